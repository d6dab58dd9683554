"""Pure economic functions the world and the valuation both use: cost models (orbital vs
terrestrial compute), the cost of capital (CAPM, Hamada, WACC) and discounted-cash-flow
primitives. Imports nothing above :mod:`ecosim.physics`, so agents may use it."""

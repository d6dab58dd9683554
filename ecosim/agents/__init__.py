"""One module per real-world actor; shared behaviour in :mod:`ecosim.agents.base`."""

from ecosim.agents.anthropic import Anthropic, AnthropicDataCenters
from ecosim.agents.base import EcosimAgent
from ecosim.agents.blue_origin import NewGlenn
from ecosim.agents.capital_market import CapitalMarket
from ecosim.agents.chip_supply import ChipFab
from ecosim.agents.cloud import Cloud
from ecosim.agents.cybercab import Cybercab
from ecosim.agents.google import Google, GoogleDataCenters
from ecosim.agents.google_planet import GooglePlanet
from ecosim.agents.grid import Grid
from ecosim.agents.kuiper import Kuiper
from ecosim.agents.launcher import LaunchProvider
from ecosim.agents.legacy_launch import LegacyLaunch
from ecosim.agents.market import Market
from ecosim.agents.openai import OpenAI, OpenAIDataCenters
from ecosim.agents.optimus import Optimus
from ecosim.agents.orbital_dc import OrbitalDataCenter, SpaceXOrbitalDC
from ecosim.agents.pv_supplier import PVSupplier
from ecosim.agents.starcloud import Starcloud
from ecosim.agents.starlink import Starlink
from ecosim.agents.starship import SpaceXLaunch
from ecosim.agents.terrestrial_dc import TerrestrialDataCenter
from ecosim.agents.tesla_energy import TeslaEnergy
from ecosim.agents.tesla_fleet import TeslaFleet
from ecosim.agents.xai import XAI, Lab

#: roster ``class`` -> agent class (ecosim/data/roster.toml)
CLASSES: dict[str, type[EcosimAgent]] = {
    cls.__name__: cls
    for cls in (
        CapitalMarket, Grid, PVSupplier, ChipFab, SpaceXLaunch, LaunchProvider, NewGlenn, LegacyLaunch,
        Lab, XAI, OpenAI, Anthropic, Cloud, Google, TerrestrialDataCenter, OpenAIDataCenters, AnthropicDataCenters, GoogleDataCenters,
        OrbitalDataCenter, SpaceXOrbitalDC, GooglePlanet, Starcloud, Starlink, Kuiper,
        TeslaFleet, TeslaEnergy, Cybercab, Optimus, Market,
    )
}

__all__ = [
    "CLASSES",
    "Anthropic",
    "AnthropicDataCenters",
    "LaunchProvider",
    "XAI",
    "CapitalMarket",
    "ChipFab",
    "Cloud",
    "Cybercab",
    "Google",
    "GoogleDataCenters",
    "GooglePlanet",
    "Grid",
    "Kuiper",
    "Lab",
    "LegacyLaunch",
    "Market",
    "NewGlenn",
    "OpenAI",
    "OpenAIDataCenters",
    "Optimus",
    "OrbitalDataCenter",
    "PVSupplier",
    "SpaceXLaunch",
    "SpaceXOrbitalDC",
    "Starcloud",
    "Starlink",
    "TerrestrialDataCenter",
    "TeslaEnergy",
    "TeslaFleet",
]

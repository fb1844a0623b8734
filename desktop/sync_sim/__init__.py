"""`doorstep sync simulate`: the convergence simulation of sync by packages (docs/simulation.md)."""

from desktop.sync_sim.driver import SimConfig, SimResult, simulate

__all__ = ["SimConfig", "SimResult", "simulate"]

"""A small day of papers on three subjects, and a reader who works on one of them (shared by the tests of
the learned interest)."""

from __future__ import annotations

from academichub.radar.learn import PaperText


def paper(key: str, title: str, abstract: str, *categories: str) -> PaperText:
    return PaperText(key=key, title=title, abstract=abstract, categories=list(categories))


# The reader's own papers: message passing on molecular graphs.
LIBRARY = [
    paper(
        "arxiv:2501.00001",
        "Equivariant message passing for molecular property prediction",
        "We propose an equivariant graph neural network that passes messages between atoms and predicts "
        "molecular properties such as energies and forces from three-dimensional conformations.",
        "cs.LG",
        "physics.chem-ph",
    ),
    paper(
        "arxiv:2503.00002",
        "Graph neural networks for protein-ligand binding affinity",
        "Message passing over the atoms of a protein pocket and a ligand predicts binding affinity; the "
        "graph neural network outperforms docking scores on molecular benchmarks.",
        "cs.LG",
        "q-bio.BM",
    ),
    paper(
        "arxiv:2506.00003",
        "Pretraining molecular graph encoders on conformations",
        "Self-supervised pretraining of a graph neural network on millions of molecular conformations "
        "improves property prediction with few labels.",
        "cs.LG",
    ),
]

# The day: two papers on the reader's subject, the rest on others.
CLOSE = [
    paper(
        "arxiv:2607.10001",
        "Equivariant graph neural networks predict molecular forces",
        "An equivariant message passing network over atoms predicts forces and energies of molecular "
        "conformations more accurately than invariant models.",
        "cs.LG",
        "physics.chem-ph",
    ),
    paper(
        "arxiv:2607.10002",
        "Binding affinity from message passing on protein pockets",
        "We predict protein-ligand binding affinity with a graph neural network over pocket atoms.",
        "q-bio.BM",
    ),
]
FAR = [
    paper(
        "arxiv:2607.20001",
        "Galaxy cluster masses from weak lensing",
        "Weak gravitational lensing of background galaxies constrains the masses of galaxy clusters at "
        "intermediate redshift.",
        "astro-ph.CO",
    ),
    paper(
        "arxiv:2607.20002",
        "Dark matter halo profiles in cosmological simulations",
        "Cosmological simulations show how the density profiles of dark matter halos depend on their "
        "formation history and redshift.",
        "astro-ph.CO",
    ),
    paper(
        "arxiv:2607.20003",
        "Global regularity for the Navier-Stokes equations with small data",
        "We prove global well-posedness of the incompressible Navier-Stokes equations for small initial "
        "data in critical Besov spaces.",
        "math.AP",
    ),
    paper(
        "arxiv:2607.20004",
        "Blow-up for a nonlinear heat equation",
        "Solutions of a semilinear heat equation with large initial data blow up in finite time; we "
        "describe the blow-up profile.",
        "math.AP",
    ),
    paper(
        "arxiv:2607.20005",
        "Transformers for machine translation of low-resource languages",
        "A multilingual transformer with back-translation improves translation quality for languages "
        "with little parallel text.",
        "cs.CL",
    ),
    paper(
        "arxiv:2607.20006",
        "Star formation rates in dwarf galaxies",
        "Ultraviolet and infrared observations of dwarf galaxies measure star formation rates at low "
        "metallicity.",
        "astro-ph.GA",
    ),
    paper(
        "arxiv:2607.20007",
        "Reinforcement learning for robot grasping",
        "A policy trained with reinforcement learning in simulation grasps unseen objects with a real "
        "robot arm.",
        "cs.RO",
    ),
    paper(
        "arxiv:2607.20008",
        "Scattering for the cubic wave equation",
        "Solutions of the defocusing cubic wave equation scatter; we prove it with a profile decomposition.",
        "math.AP",
    ),
]

"""AcademicHub: a personal research radar that runs on the researcher's own machine."""

__version__ = "0.1.0"
USER_AGENT = (
    f"AcademicHub/{__version__} (personal research radar; +https://github.com/academichub/academichub)"
)

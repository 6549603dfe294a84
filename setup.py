"""Packaging beyond pyproject.toml: the templates and the curated FAQ ship inside the core.

They live at the top of the repository, where people edit them; the wheel
carries them as coinhelp/_shipped/templates and coinhelp/_shipped/faq
(coinhelp/shipped.py finds them in either place). Tests and bench/ are not
packaged.
"""

from setuptools import find_packages, setup

SHIPPED = {"coinhelp._shipped.templates": "templates", "coinhelp._shipped.faq": "faq"}

setup(
    packages=[
        *find_packages(include=["coinhelp*", "coinhelp_discord*", "cogs*", "sandbox*", "standin*"]),
        *SHIPPED,
    ],
    package_dir=SHIPPED,
    package_data={
        "coinhelp": [
            "migrations/*.sql",
            "data/*.yaml",
            "data/words/*.txt",
            "locales/*/LC_MESSAGES/*.po",
        ],
        "coinhelp._shipped.templates": ["**/*.j2"],
        "coinhelp._shipped.faq": ["*.md", "*/*.md"],
        "standin": ["boot/*.py"],
    },
)

"""Only what setup.cfg cannot say: compile the translation catalogues (.po -> .mo) before the package is built,
so that a wheel or an sdist install speaks Kazakh and Russian without a separate step."""
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogues(build_py):
    def run(self):
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in Path(__file__).parent.glob("eic/translations/*/LC_MESSAGES/messages.po"):
            with po.open("rb") as source:
                catalogue = read_po(source)
            with po.with_suffix(".mo").open("wb") as target:
                write_mo(target, catalogue, use_fuzzy=False)
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogues})

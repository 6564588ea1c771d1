"""The one compiled module: the splitter's part collector (src/entitybase/store/_parts.c).
Everything else about the package is in pyproject.toml."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("entitybase.store._parts", ["src/entitybase/store/_parts.c"],
                             extra_compile_args=["-Wall"])])

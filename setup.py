"""Build the optional C segmenter (zhrepair._segment); metadata lives in pyproject.toml."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("zhrepair._segment", ["src/zhrepair/_segment.c"], optional=True)])

"""The README's Python example is run as a doctest, so the documentation stays true."""

import doctest
import re

from conftest import README


def test_readme_python_example():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert blocks, "no python example in README.md"
    parser = doctest.DocTestParser()
    test = parser.get_doctest(blocks[0], {}, "README", str(README), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0 and runner.tries >= 3

"""The fast YAML path builds exactly what PyYAML's safe loader builds, and fails as it does."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from bot.knowledge.loader import bundled_dir
from bot.knowledge.yamlfast import HAS_LIBYAML, FastSafeLoader, StockLoader

pytestmark = pytest.mark.skipif(not HAS_LIBYAML, reason="PyYAML was built without libyaml")

DOCUMENTS = [
    "",
    "---\n",
    "x",
    "a: 1\n",
    "a: yes\nb: No\nc: ~\nd: 2024-01-02\ne: 2024-01-02 10:00:00\nf: 0o12\ng: 012\nh: 1:20\n",
    "a: .inf\nb: -.inf\nj: '1'\nk: !!str 5\nl: 0x1F\nm: -1_000\nn: 1e3\no: 1.5e3\np: +.5\n",
    "a: &x [1]\nb: *x\n",
    "<<: {a: 1}\nb: 2\n",
    "'<<': 1\n",
    "[1, 2, {a: b}]",
    "a: 1\na: 2\n",
    "! a: ! b\n",
    "a:\n  - b\n  -\n  - null\n",
    'a: "\\u00e9"\nb: |\n  lit\n  x\nc: >\n  fold\n  y\nd: 用户被禁言\n',
    "!!set {a, b}\n",
    "code: 1027\ndescription: Wrong server\ncategories: [Login, 'Section: 2']\n",
]
BROKEN = [
    "a: 1\n---\nb: 2\n",
    "a: [1, {b: c}]\n- x\n",
    "product:\n  id: [unclosed\n",
    "a: 1\n  b: 2\n",
    "a: *nowhere\n",
    "? {a: 1}\n: 2\n",
    "? [a]\n: 1\n",
    "a: =\n",
]


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("text", DOCUMENTS)
def test_same_data_as_pyyaml(text: str) -> None:
    expected = yaml.load(text, Loader=StockLoader)
    got = yaml.load(text, Loader=FastSafeLoader)
    assert _same(got, expected) and repr(got) == repr(expected)


@pytest.mark.parametrize("text", BROKEN)
def test_same_error_as_pyyaml(text: str) -> None:
    with pytest.raises(yaml.YAMLError) as stock:
        yaml.load(text, Loader=StockLoader)
    with pytest.raises(yaml.YAMLError) as fast:
        yaml.load(text, Loader=FastSafeLoader)
    assert type(fast.value) is type(stock.value)
    assert str(fast.value) == str(stock.value)


def test_bundled_tables_load_identically() -> None:
    for path in sorted(Path(bundled_dir()).glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert yaml.load(text, Loader=FastSafeLoader) == yaml.load(text, Loader=StockLoader)

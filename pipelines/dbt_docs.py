"""The dbt docs blocks of the package (`{% docs name %}...{% enddocs %}`): one parser for the
generated dbt YAML (`pipelines.dbt_schema`) and the README's table list (`pipelines.readme_tables`).
"""

from __future__ import annotations

import re

_BLOCK = re.compile(r"{%-?\s*docs\s+(\w+)\s*-?%}(.*?){%-?\s*enddocs\s*-?%}", re.S)


def docs_blocks(text: str) -> dict[str, str]:
    """Block name -> its text with whitespace collapsed, in the order the file holds them."""
    return {name: " ".join(body.split()) for name, body in _BLOCK.findall(text)}

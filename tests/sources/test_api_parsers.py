"""The API parsers of ``amity update`` on their real recordings and on broken answers.

Values are checked end to end in ``tests/ingest/test_update.py``; here: what the parsers
refuse, each error naming the publisher (the broken answers are written here, small).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from amity._exceptions import SourceFormatError
from amity.sources import comtrade_api, imts_api, sipri_api, wdi_api

REPLAY = Path(__file__).resolve().parents[1] / "data" / "replay"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("module", "name", "text", "match"), [
    (comtrade_api, "c.json", '{"elapsedTime":"0.01 secs","count":0,"data":[],'
                             '"error":"Invalid subscription key"}',
     r"^UN Comtrade response .*the API answered with an error: Invalid subscription key"),
    (comtrade_api, "c.json", "<html>maintenance</html>", r"^UN Comtrade response .*not the API"),
    (imts_api, "i.xml", '<message:Error xmlns:message="m"><Text>No Results Found</Text>'
                        '</message:Error>', r"^IMF IMTS response .*SDMX error: No Results"),
    (imts_api, "i.xml", "{}", r"^IMF IMTS response .*not XML"),
    (wdi_api, "w.json", '[{"message":[{"id":"120","key":"Invalid value","value":"The '
                        'provided parameter value is not valid"}]}]',
     r"^World Bank API response .*refused the request: The provided parameter value"),
    (sipri_api, "s.json", '{"error": "Bad request"}', r"^SIPRI trade-register response .*"
                                                      r"not the backend's"),
])
def test_broken_answers_name_the_publisher(tmp_path: Path, module: object, name: str,
                                           text: str, match: str) -> None:
    parse = {comtrade_api: comtrade_api.parse_responses, imts_api: imts_api.parse_messages,
             wdi_api: wdi_api.parse_pages, sipri_api: sipri_api.parse_register}[module]
    with pytest.raises(SourceFormatError, match=match) as info:
        parse({name: _write(tmp_path, name, text)})
    assert "Fix:" in str(info.value) and "\n" not in str(info.value)


def test_sipri_malformed_row_names_its_line(tmp_path: Path) -> None:
    doc = json.loads((REPLAY / "sipri/trade-register-csv-2000-2001.json").read_text())
    text = base64.b64decode(doc["bytes"]).decode("ascii").replace(",2001,Yes,New,0.9,0.9,8.1,",
                                                                   ",20O1,Yes,New,0.9,0.9,8.1,")
    path = _write(tmp_path, "s.json", json.dumps({"bytes": base64.b64encode(
        text.encode()).decode()}))
    with pytest.raises(SourceFormatError, match=r"s\.json:13: malformed row: delivery year "
                                                r"'20O1'"):
        sipri_api.parse_register({"s.json": path})
    result = sipri_api.parse_register({"s.json": path}, "skip")
    assert result.skipped == 1


def test_comtrade_keeps_exports_and_counts_the_rest() -> None:
    # The recording holds USA's 2023 trade with Japan, one import (M) and one export (X) row.
    result = comtrade_api.parse_responses({"c": REPLAY / "comtrade/preview-842-2023.json"})
    table = result.tables["trade_dyadic"]
    assert len(table) == 1
    assert table.iloc[0][["year", "exporter", "importer"]].tolist() == [2023, "USA", "JPN"]
    assert table.iloc[0]["value_usd"] == 76154045176
    assert result.notes == ["1 record of other flows than exports (X) left out: amity keeps "
                            "exports as the exporter reports them"]
    assert result.scope["reporters_by_year"] == {"2023": ["USA"]}

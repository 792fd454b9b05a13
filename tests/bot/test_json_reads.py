"""JSON read from PostgreSQL (a conversation's data, every message) comes back as stored, each
read a new object, though the empty object skips the parser (`bot.infra.db.json_loads`)."""

import json

import pytest
from sqlalchemy import text

from bot.infra.db import json_loads


@pytest.mark.parametrize("stored", [{}, {"day": "2026-12-07", "note": "Lucía"}, {"n": [1, 2]}])
def test_json_is_read_back_as_stored_and_each_read_is_its_own_object(postgres_engine, stored):
    with postgres_engine.connect() as connection:
        read = [
            connection.execute(text("SELECT CAST(:v AS json)"), {"v": json.dumps(stored)}).scalar()
            for _ in range(2)
        ]
    assert read == [stored, stored]
    read[0]["changed"] = True  # a conversation's data is changed in place by its turn
    assert read[1] == stored


@pytest.mark.parametrize("data", [b"{}", "{}", b' {"a": 1}', "[]", b"null", '"{}"'])
def test_json_loads_answers_what_json_loads_answers(data):
    assert json_loads(data) == json.loads(data)

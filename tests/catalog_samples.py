"""Realistic, long-ish values for every placeholder, to render each text at its worst."""

SAMPLES = {
    "contribution": "US$ 5,00",
    "day_off": "US$ 120,00",
    "half_day": "US$ 60,00",
    "amount": "US$ 12,50",
    "balance": "US$ 1.234,50",
    "available": "US$ 1.114,50",
    "after": "US$ 1.114,50",
    "max": "US$ 100,00",
    "name": "Maria Jose",
    "worker": "Maria Jose",
    "household": "Ana Lucia",
    "who": "Ana Lucia",
    "date": "sab 28 nov",
    "list": "1 Ana Lucia, 2 Rosa, 3 (...0199)",
    "products": "life, disability",
    "label": "Ana Lucia",
    "number": "2",
    "count": 3,
    "days": "60",
}

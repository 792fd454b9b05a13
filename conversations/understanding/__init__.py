"""Reading what people text, in five languages, into an intent, a day, an amount.

`vocabulary` holds each language's words, `numbers` reads amounts written in digits or words,
`fuzzy` forgives typos, and `reader` puts them together. Tables are built once per process.
"""

"""purtle's escaping and Turtle layout."""

from entitybase.rdf.writers import NTriplesWriter, TurtleWriter, escape_iri, language_tag

NS = {"ex": "http://example.org/", "xsd": "http://www.w3.org/2001/XMLSchema#",
      "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}


def test_ntriples_escapes_non_ascii_as_upper_case_unicode_escapes():
    w = NTriplesWriter(NS)
    t = w.terms
    w.about(t.res("ex", "s"))
    w.say(t.res("ex", "p"))
    w.obj(t.text('Берлин "x"\n\\ 🍈', "ru"))
    assert w.drain() == ('<http://example.org/s> <http://example.org/p> '
                         '"\\u0411\\u0435\\u0440\\u043B\\u0438\\u043D \\"x\\"\\n\\\\ '
                         '\\U0001F348"@ru .\n')


def test_turtle_keeps_utf8_and_groups_subjects_and_predicates():
    w = TurtleWriter(NS)
    t = w.terms
    w.start()
    w.about(t.res("ex", "s"))
    w.say(t.a)
    w.obj(t.res("ex", "A"))
    w.obj(t.res("ex", "B"))
    w.say(t.res("ex", "p"))
    w.obj(t.text("Берлин", "ru"))
    w.about(t.res("ex", "s"))  # repeated: continues the same block
    w.say(t.res("ex", "q"))
    w.obj(t.typed("42", "xsd", "integer"))
    w.about(t.res("ex", "o"))
    w.say(t.res("ex", "p"))
    w.obj(t.iri("http://example.org/a b"))
    assert w.drain() == (
        "@prefix ex: <http://example.org/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
        "\nex:s a ex:A,\n\t\tex:B ;\n\tex:p \"Берлин\"@ru ;\n\tex:q \"42\"^^xsd:integer .\n"
        "\nex:o ex:p <http://example.org/a%20b> .\n")


def test_sub_writers_follow_the_main_output():
    w = TurtleWriter(NS)
    sub = w.sub()
    t = w.terms
    sub.about(t.res("ex", "late"))
    sub.say(t.res("ex", "p"))
    sub.obj(t.text("x"))
    w.about(t.res("ex", "early"))
    w.say(t.res("ex", "p"))
    w.obj(t.text("y"))
    assert w.drain() == '\nex:early ex:p "y" .\n\nex:late ex:p "x" .\n'


def test_iri_escapes():
    assert escape_iri('http://x/\\a<b> "c"{d}|^`') == \
        "http://x/%5Ca%3Cb%3E%20%22c%22%7Bd%7D%7C%5E%60"


def test_language_tags():
    assert language_tag("pt-br") == "pt-br"  # written as Wikidata writes it
    assert language_tag("zh-classical") == "lzh"  # no parser accepts a 9-letter subtag
    assert language_tag("x") is None  # purtle writes no tag for these

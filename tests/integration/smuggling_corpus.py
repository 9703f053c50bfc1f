"""Reads the smuggling corpus (tests/smuggling/*.txt; format in tests/smuggling/README.md).

A case is a block of `key: value` lines:
    case: NAME             starts a case (names are unique across the corpus)
    why: TEXT              what the case probes and the rule it rests on (one or more lines)
    send: BYTES            bytes the client sends; several lines are concatenated
    expect: STATUS [close] the next response: its status, and `close` when Yoke must close
                           the connection after it; `expect: close` alone: closed, no response
    forward: BYTES         bytes the backend must receive for the latest `expect` (several
                           lines are concatenated); no `forward` line: nothing reaches it
BYTES use Python escapes (\\r \\n \\t \\x00 \\\\); the file's own line breaks are not part of
them. Raw tabs, raw CRs and trailing whitespace are refused so that nothing invisible matters.
Lines starting with `#` and blank lines between cases are comments.
"""

import codecs
import glob
import os

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS_DIR = os.path.normpath(os.path.join(HERE, "..", "smuggling"))


class CorpusError(ValueError):
    pass


class Expectation:
    def __init__(self, status, close):
        self.status = status  # None: the connection closes without a response
        self.close = close
        self.forward = None   # bytes the backend must receive, or None

    def __repr__(self):
        return "<expect %s%s forward=%r>" % (self.status, " close" if self.close else "",
                                             self.forward)


class Case:
    def __init__(self, name, where):
        self.name = name
        self.where = where
        self.why = ""
        self.send = b""
        self.expectations = []

    @property
    def forwards(self):
        return [e.forward for e in self.expectations if e.forward is not None]


def unescape(text, where):
    try:
        return codecs.decode(text, "unicode_escape").encode("latin-1")
    except (UnicodeDecodeError, UnicodeEncodeError) as error:
        raise CorpusError("%s: bad escape: %s" % (where, error)) from None


def parse_expect(value, where):
    words = value.split()
    if words == ["close"]:
        return Expectation(None, True)
    if not words or not words[0].isdigit() or len(words[0]) != 3 or words[1:] not in ([],
                                                                                     ["close"]):
        raise CorpusError("%s: expect needs STATUS [close] or close, got %r" % (where, value))
    return Expectation(int(words[0]), len(words) == 2)


def check_case(case):
    if not case.send:
        raise CorpusError("%s: case %s sends nothing" % (case.where, case.name))
    if not case.expectations:
        raise CorpusError("%s: case %s has no expect line" % (case.where, case.name))
    if not case.why:
        raise CorpusError("%s: case %s has no why line" % (case.where, case.name))
    for expectation in case.expectations[:-1]:
        if expectation.close:
            raise CorpusError("%s: case %s expects more after a close" % (case.where, case.name))


def apply_line(case, key, value, where):
    if key == "why":
        case.why = (case.why + " " + value).strip()
    elif key == "send":
        case.send += unescape(value, where)
    elif key == "expect":
        case.expectations.append(parse_expect(value, where))
    elif key == "forward":
        if not case.expectations or case.expectations[-1].status is None:
            raise CorpusError("%s: forward needs an expect STATUS before it" % where)
        expectation = case.expectations[-1]
        expectation.forward = (expectation.forward or b"") + unescape(value, where)
    else:
        raise CorpusError("%s: unknown key %r" % (where, key))


def load_file(path):
    cases = []
    case = None
    with open(path, "rb") as f:
        raw = f.read()
    for number, line in enumerate(raw.decode("utf-8").split("\n"), 1):
        where = "%s:%d" % (os.path.relpath(path, CORPUS_DIR), number)
        if "\t" in line or "\r" in line or line != line.rstrip():
            raise CorpusError("%s: raw tab, CR or trailing whitespace (write \\t, \\r, \\x20)"
                              % where)
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition(": ")
        if not sep:
            key, sep, value = line.partition(":")
            if not sep or value:
                raise CorpusError("%s: expected `key: value`" % where)
        if key == "case":
            if case is not None:
                check_case(case)
            case = Case(value, where)
            cases.append(case)
        elif case is None:
            raise CorpusError("%s: %s before the first case" % (where, key))
        else:
            apply_line(case, key, value, where)
    if case is not None:
        check_case(case)
    return cases


def load_corpus(directory=CORPUS_DIR):
    cases = []
    names = {}
    for path in sorted(glob.glob(os.path.join(directory, "*.txt"))):
        for case in load_file(path):
            if case.name in names:
                raise CorpusError("%s: case %s already defined at %s" %
                                  (case.where, case.name, names[case.name]))
            names[case.name] = case.where
            cases.append(case)
    return cases

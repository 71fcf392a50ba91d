#!/usr/bin/env python3
"""Renders the template corpus with Python Jinja, the reference implementation.

corpus.json holds hand-written cases. This script adds cases generated at random from
the grammar of the template subset (fixed seed), renders every case for each of its
variable assignments with jinja2 (default Environment), and writes everything to
corpus.golden.json, which the Go tests of package jinja and jinja/gocode read: the
interpreter, the compiled Go code and gonja must all produce these outputs.

Run it after editing corpus.json:  python3 jinja/testdata/pyjinja.py
"""
import json
import os
import random

import jinja2

HERE = os.path.dirname(os.path.abspath(__file__))
GENERATED = 300

SCOPE = [
    {"name": "s", "kind": "string"},
    {"name": "t", "kind": "string", "always": True},
    {"name": "e", "kind": "select", "enum": ["Production", "Sandbox"], "always": True},
    {"name": "o", "kind": "select", "enum": ["EU", "US"]},
    {"name": "n", "kind": "number"},
    {"name": "m", "kind": "number", "always": True},
    {"name": "b", "kind": "bool", "always": True},
    {"name": "callback.shop", "kind": "string"},
]
STRS = ["", "a", "Sandbox", "EU", " x ", "a b/c", "é&=?", "Production", "%"]


class Gen:
    def __init__(self, rnd):
        self.r = rnd

    def lit(self):
        q = self.r.choice(["'", '"'])
        return q + self.r.choice(STRS) + q

    def str_expr(self, d):
        r = self.r.random()
        if d <= 0 or r < 0.45:
            return self.r.choice([self.lit(), "s", "t", "e", "o", "callback.shop"])
        k = self.r.randrange(6)
        if k == 0:
            return self.primary(self.any_expr(d - 1)) + " ~ " + self.primary(self.any_expr(d - 1))
        if k == 1:
            f = self.r.choice(["lower", "upper", "trim", "urlencode", "replace('a', 'b')", "replace(' ', '')", "trim('a')"])
            return self.primary(self.any_expr(d - 1)) + "|" + f
        if k == 2:
            return self.primary(self.str_expr(d - 1)) + "|default(" + self.str_expr(d - 1) + ")"
        if k == 3:
            return "(" + self.str_expr(d - 1) + " " + self.r.choice(["or", "and"]) + " " + self.str_expr(d - 1) + ")"
        if k == 4:
            return self.primary(self.str_expr(d - 1)) + "|d(" + self.lit() + ", true)"
        return "(" + self.str_expr(d - 1) + ")"

    def int_expr(self, d):
        r = self.r.random()
        if d <= 0 or r < 0.6:
            return self.r.choice(["n", "m", "0", "1", "3"])
        if r < 0.8:
            return self.primary(self.int_expr(d - 1)) + "|default(" + self.r.choice(["0", "5"]) + ")"
        return "(" + self.int_expr(d - 1) + " " + self.r.choice(["or", "and"]) + " " + self.int_expr(d - 1) + ")"

    def bool_expr(self, d):
        r = self.r.random()
        if d <= 0 or r < 0.2:
            return self.r.choice(["b", "true", "false", "True"])
        k = self.r.randrange(9)
        if k == 0:
            return self.r.choice(["s", "o", "n", "callback.shop", "e"]) + self.r.choice([" is defined", " is not defined", " is undefined", " is none", " is not none"])
        if k == 1:
            x = self.r.choice(["e", "o"])
            enum = ["Production", "Sandbox"] if x == "e" else ["EU", "US"]
            return x + self.r.choice([" == ", " != "]) + repr(self.r.choice(enum))
        if k == 2:
            return self.primary(self.str_expr(d - 1)) + self.r.choice([" == ", " != "]) + self.r.choice(["'a'", "''", "t", "s", "callback.shop"])
        if k == 3:
            return self.primary(self.int_expr(d - 1)) + self.r.choice([" == ", " != "]) + self.r.choice(["0", "3", "m", "n"])
        if k == 4:
            return self.r.choice(["'a'", "' '", "''", "t", "t|lower"]) + self.r.choice([" in ", " not in "]) + self.primary(self.str_expr(d - 1))
        if k == 5:
            return "not " + self.primary(self.bool_expr(d - 1))
        if k == 6:
            return self.bool_expr(d - 1) + self.r.choice([" and ", " or "]) + self.bool_expr(d - 1)
        if k == 7:
            return self.any_expr(d - 1)
        return "(" + self.bool_expr(d - 1) + ")"

    def any_expr(self, d):
        k = self.r.randrange(4)
        if k == 0:
            return self.int_expr(d)
        if k == 1:
            return self.bool_expr(d)
        return self.str_expr(d)

    def primary(self, x):
        if x.replace(".", "").replace("_", "").isalnum() or x[0] in "'\"" and x[-1] == x[0] and x.count(x[0]) == 2:
            return x
        return "(" + x + ")"

    def text(self):
        return self.r.choice(["", "a", " ", "\n", "x y", " \n ", "\t-\t", "https://", "/v1/", "&q="])

    def tag(self, kind, body):
        ls = self.r.choice(["", "", "-"])
        rs = self.r.choice(["", "", "-"])
        o, c = ("{{", "}}") if kind == "v" else ("{%", "%}")
        return o + ls + " " + body + " " + rs + c

    def nodes(self, d):
        out = []
        for _ in range(self.r.randint(1, 4)):
            k = self.r.randrange(5)
            if k <= 1:
                out.append(self.text())
            elif k <= 3 or d <= 0:
                out.append(self.tag("v", self.any_expr(2)))
            else:
                out.append(self.tag("b", "if " + self.bool_expr(2)))
                out.append(self.nodes(d - 1))
                for _ in range(self.r.randint(0, 2)):
                    out.append(self.tag("b", "elif " + self.bool_expr(2)))
                    out.append(self.nodes(d - 1))
                if self.r.random() < 0.5:
                    out.append(self.tag("b", "else"))
                    out.append(self.nodes(d - 1))
                out.append(self.tag("b", "endif"))
        return "".join(out)

    def env(self):
        env = {"t": self.r.choice(STRS), "e": self.r.choice(["Production", "Sandbox"]),
               "m": self.r.choice([0, 3, 250]), "b": self.r.random() < 0.5, "callback": {}}
        if self.r.random() < 0.5:
            env["s"] = self.r.choice([x for x in STRS if x])
        if self.r.random() < 0.5:
            env["o"] = self.r.choice(["EU", "US"])
        if self.r.random() < 0.5:
            env["n"] = self.r.choice([0, 3, 1000])
        if self.r.random() < 0.5:
            env["callback"]["shop"] = self.r.choice([x for x in STRS if x])
        return env


def render(env, case):
    outs = []
    for vars in case["envs"]:
        try:
            outs.append({"out": env.from_string(case["template"]).render(**vars)})
        except Exception as e:  # noqa: BLE001 - any failure is an expected outcome
            outs.append({"error": type(e).__name__ + ": " + str(e)})
    return outs


def main():
    cases = json.load(open(os.path.join(HERE, "corpus.json"), encoding="utf-8"))
    g = Gen(random.Random(4))
    for i in range(GENERATED):
        cases.append({"name": "generated %d" % i, "template": g.nodes(g.r.choice([0, 1, 1, 2])), "vars": SCOPE,
                      "envs": [g.env() for _ in range(4)]})
    env = jinja2.Environment()
    for c in cases:
        c["outputs"] = render(env, c)
    with open(os.path.join(HERE, "corpus.golden.json"), "w", encoding="utf-8") as f:
        json.dump({"jinja2": jinja2.__version__, "cases": cases}, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Test helper: prints "path access type" for every parameter of a Broadband Forum CWMP data
model file (tr-181-2-17-0-cwmp-full.xml), with dataType references resolved to their XML Schema
base type. Python's standard library only; used by tests/test_cwmp_model.c."""
import sys
import xml.etree.ElementTree as ET

BUILTIN = {"string", "unsignedInt", "boolean", "dateTime", "int", "long", "unsignedLong",
           "base64", "hexBinary", "decimal"}


def local(tag):
    return tag.rsplit("}", 1)[-1]


def main(path):
    root = ET.parse(path).getroot()
    types = {}
    for d in root:
        if local(d.tag) == "dataType":
            types[d.get("name")] = d

    def resolve(name, depth=0):
        d = types.get(name)
        if d is None or depth > 16:
            return "?" + name
        if d.get("base"):
            return resolve(d.get("base"), depth + 1)
        for c in d:
            if local(c.tag) in BUILTIN:
                return local(c.tag)
        return "?" + name

    for model in root.iter():
        if local(model.tag) != "model":
            continue
        for obj in model:
            if local(obj.tag) != "object":
                continue
            for p in obj:
                if local(p.tag) != "parameter":
                    continue
                typ = "?"
                for syn in p:
                    if local(syn.tag) != "syntax":
                        continue
                    for c in syn:
                        t = local(c.tag)
                        if t in BUILTIN:
                            typ = t
                            break
                        if t == "dataType" and c.get("ref"):
                            typ = resolve(c.get("ref"))
                            break
                        if t == "dataType" and c.get("base"):
                            typ = resolve(c.get("base"))
                            break
                print(obj.get("name") + p.get("name"), p.get("access"), typ)
        break


if __name__ == "__main__":
    main(sys.argv[1])

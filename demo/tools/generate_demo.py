#!/usr/bin/env python3
"""Generate the Northwind Robotics demo workspace (a fictional company).

Writes the Markdown, text, HTML, e-mail (.eml) and JSON documents under demo/.
The PDF and DOCX documents are written by make_binary_docs.py. Python 3
standard library only, deterministic (fixed random seed, fixed dates).

The generator first removes every previously generated file under demo/
(everything except demo/tools/ and demo/README.md), so run both scripts:

    python3 demo/tools/generate_demo.py && python3 demo/tools/make_binary_docs.py

Everything in the workspace (people, customers, numbers) is invented.
"""

import base64
import json
import os
import random
import textwrap
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO = os.path.dirname(HERE)
KEEP_TOP = {"tools", "README.md"}

rng = random.Random(20250312)

COMPANY = "Northwind Robotics"
DOMAIN = "northwind-robotics.example"

# name, mailbox, role, office
PEOPLE = {
    "maya": ("Maya Okafor", "maya.okafor", "Chief Executive Officer", "Boston"),
    "daniel": ("Daniel Reyes", "daniel.reyes", "VP Engineering", "Boston"),
    "zoe": ("Zoë Müller", "zoe.mueller", "Head of People", "Munich"),
    "priya": ("Priya Raman", "priya.raman", "Product Manager, Atlas AMR", "Boston"),
    "tom": ("Tom Lindqvist", "tom.lindqvist", "Site Reliability Lead", "Munich"),
    "jose": ("José Peña", "jose.pena", "Account Executive, North America", "Boston"),
    "aiko": ("Aiko Tanaka", "aiko.tanaka", "Senior Firmware Engineer", "Munich"),
    "sam": ("Sam Whitfield", "sam.whitfield", "Chief Financial Officer", "Boston"),
    "lena": ("Lena Fischer", "lena.fischer", "Customer Success Manager, EMEA", "Munich"),
    "omar": ("Omar Haddad", "omar.haddad", "Hardware Lead, Atlas", "Munich"),
    "grace": ("Grace Kim", "grace.kim", "Product Manager, Hermes", "Boston"),
    "luca": ("Luca Bianchi", "luca.bianchi", "Sales Director EMEA", "Munich"),
    "camille": ("Camille Durand", "camille.durand", "Robotics Engineer, Pallas", "Lyon"),
    "francois": ("François Lefèvre", "francois.lefevre", "Site Manager Lyon", "Lyon"),
    "ben": ("Ben Adeyemi", "ben.adeyemi", "Backend Engineer, Hermes", "Boston"),
    "hannah": ("Hannah Berg", "hannah.berg", "Security Engineer", "Munich"),
    "raj": ("Raj Mehta", "raj.mehta", "Data Engineer", "Boston"),
    "sofia": ("Sofia Alvarez", "sofia.alvarez", "Support Lead", "Boston"),
    "noah": ("Noah Schreiber", "noah.schreiber", "Field Service Engineer", "Munich"),
    "ines": ("Inês Carvalho", "ines.carvalho", "UX Designer", "Lyon"),
    "kwame": ("Kwame Mensah", "kwame.mensah", "Manufacturing Engineer", "Boston"),
    "elif": ("Elif Yılmaz", "elif.yilmaz", "Recruiter", "Munich"),
    "marta": ("Marta Kowalska", "marta.kowalska", "Controller", "Munich"),
    "jonas": ("Jonas Weber", "jonas.weber", "Works Council Chair", "Munich"),
}


def name(k):
    return PEOPLE[k][0]


def mail(k):
    return "%s@%s" % (PEOPLE[k][1], DOMAIN)


def addr(k):
    return "%s <%s>" % (name(k), mail(k))


def write(rel, text):
    path = os.path.join(DEMO, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if not text.endswith("\n"):
        text += "\n"
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def write_json(rel, obj):
    write(rel, json.dumps(obj, indent=2, ensure_ascii=False))


def dedent(s):
    return textwrap.dedent(s).strip("\n") + "\n"


def clean_previous():
    for top in sorted(os.listdir(DEMO)):
        if top in KEEP_TOP:
            continue
        path = os.path.join(DEMO, top)
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path, topdown=False):
                for f in files:
                    os.remove(os.path.join(root, f))
                for d in dirs:
                    os.rmdir(os.path.join(root, d))
            os.rmdir(path)
        else:
            os.remove(path)


#!/usr/bin/env python3
"""Generate the Northwind Robotics demo workspace (a fictional company).

Writes the Markdown, text, HTML, e-mail (.eml) and JSON documents under demo/.
The PDF and DOCX documents are written by make_binary_docs.py. Python 3
standard library only, deterministic (fixed random seed, fixed dates).

The generator first removes every previously generated file under demo/
(everything except demo/tools/ and demo/README), so run both scripts:

    python3 demo/tools/generate_demo.py && python3 demo/tools/make_binary_docs.py

Everything in the workspace (people, customers, numbers) is invented.
"""

import base64
import csv
import hashlib
import io
import json
import os
import quopri
import random
import textwrap
import zipfile
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO = os.path.dirname(HERE)
KEEP_TOP = {"tools", "README"}

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


# =========================================================================
# HR
# =========================================================================

HR_DOCS = {}

HR_DOCS["hr/parental-leave-policy.md"] = """
# Parental Leave Policy
Author: Zoë Müller
Date: 2025-02-03

Version 3.1, approved by the leadership team on 28 January 2025 and by the
Munich works council on 31 January 2025. Owner: People team
(people@northwind-robotics.example). Replaces the parental leave policy of
April 2023.

## Purpose

Northwind Robotics wants new parents to spend the first months with their
child without worrying about money or their job. This policy sets out how
much paid parental leave you get, who is eligible, how to apply and how we
support your return. It applies to every Northwind employee in the United
States, Germany and France. Where local law is more generous (for example
German Elternzeit and Elterngeld, or the French congé de naissance), the
local rule applies and this policy tops it up.

## How much paid parental leave you get

| Caregiver | Paid parental leave | Pay during the leave |
|-----------|---------------------|----------------------|
| Primary caregiver | 16 weeks | 100% of base salary |
| Secondary caregiver | 6 weeks | 100% of base salary |

- **Primary caregiver**: the parent who has the main day-to-day
  responsibility for the child after birth, adoption or foster placement.
  Primary caregivers get **16 weeks of fully paid parental leave**.
- **Secondary caregiver**: the other parent. Secondary caregivers get
  **6 weeks of fully paid parental leave**.
- Both parents may be primary caregivers at different times: if you take
  over as primary caregiver when your partner returns to work, tell the
  People team and we will re-classify the remaining weeks.
- Parental leave applies equally to birth, adoption (of a child under 18)
  and long-term foster placement, and to parents of every gender.
- Multiple births or adoptions at the same time do not add weeks; a second
  child born or placed within twelve months starts a new entitlement.

## Eligibility

You are eligible for paid parental leave once you have completed **6 months
of continuous employment** at Northwind Robotics on the date the child is
born or placed. Part-time employees receive the same number of weeks, paid
at their contracted hours. Contractors and interns are not covered by this
policy, but may ask their manager about unpaid time off.

If you have worked here for less than 6 months, you still get any parental
leave required by local law, and the People team will discuss an unpaid
extension with you.

## When to take parental leave

- Parental leave must start within 12 months of the birth or placement.
- You may start up to 4 weeks before the expected due date.
- You can take the weeks in one block or in up to three blocks of at least
  2 weeks each, agreed with your manager.
- Unused weeks expire 12 months after the birth or placement; they are not
  paid out.

## How to apply

1. Tell your manager and the People team at least **8 weeks** before you
   plan to start parental leave (or as soon as you know, for adoption and
   foster placement, which often come at short notice).
2. Submit the request in the HR portal under *Time off > Parental leave*,
   with the expected date of birth or placement and whether you are the
   primary or secondary caregiver.
3. The People team confirms the dates, your pay and any statutory
   benefits within 5 working days. In Germany we also help you file the
   Elterngeld application; in France, the CPAM declaration.
4. Agree a hand-over plan with your manager two weeks before you go: who
   covers your projects, your on-call shifts and your customer accounts.
5. After the birth or placement, send the birth certificate or placement
   document to people@northwind-robotics.example within 30 days.

## Pay, benefits and your job while you are away

- Your base salary is paid in full for the weeks above; statutory benefits
  (such as Elterngeld) are offset so that you receive 100% in total.
- Health insurance, pension contributions and equity vesting continue.
- You keep accruing vacation days during parental leave.
- Your job, or an equivalent role with the same pay and level, is
  guaranteed when you return. Parental leave is never a factor in
  performance ratings or promotion decisions.
- You are not expected to read e-mail or Slack. Your manager may send one
  update per month if you ask for it.

## Returning to work

- **Phased return**: for the first 4 weeks after your parental leave you may
  work 60% of your hours at full pay.
- Keep-in-touch days: up to 10 optional paid days during the leave, for
  training or team events, agreed in advance.
- Nursing rooms are available in Boston, Munich and Lyon; ask the office
  manager for a key.
- The People team schedules a return conversation in your first week back.

## Examples

- Aiko has worked at Northwind for 2 years and gives birth in May 2025.
  She is the primary caregiver and takes 16 weeks of paid parental leave
  from 21 April, then a 4-week phased return at 60%.
- Ben adopts a child with his partner, who stays home as primary
  caregiver. Ben is the secondary caregiver and takes 6 weeks, split into
  two 3-week blocks.
- Inês joined 4 months before her child is born. She receives statutory
  French leave; after her 6-month anniversary the remaining Northwind
  top-up weeks become available.

## Questions

Ask Zoë Müller (Head of People) or write to people@northwind-robotics.example.
For Germany, the works council (Jonas Weber) can also advise on Elternzeit.
"""

HR_DOCS["hr/vacation-policy.md"] = """
# Vacation and Public Holidays Policy
Author: Zoë Müller
Date: 2024-12-02

## Entitlement

Every full-time employee gets paid vacation days each calendar year:

- United States: 25 days, plus 10 company holidays.
- Germany: 30 days (the statutory minimum is 20), plus the public holidays
  of Bavaria.
- France: 25 jours ouvrés plus 10 RTT days for employees on a forfait jours
  contract.

New joiners receive a pro-rated number of days in their first year.

## Booking time off

Book days in the HR portal at least two weeks ahead for anything longer than
three days. Managers approve within three working days. During the November
and December peak season, field service engineers coordinate with the
Customer Success team first, because most customers freeze changes then.

## Carry-over

Up to 5 unused days carry over to 31 March of the following year. Days above
that expire unless local law says otherwise. We do not pay out unused days
except when you leave the company, where the law requires it.

## Minimum time off

We ask everyone to take at least two consecutive weeks once a year. Managers
receive a report in September listing team members with more than 15 unused
days so that they can plan ahead.

## Sickness

Sick days are separate from vacation and unlimited within reason. From the
fourth day, German employees send a doctor's note (the electronic AU arrives
automatically).
"""

HR_DOCS["hr/remote-work-policy.md"] = """
# Remote and Hybrid Work Policy
Author: Zoë Müller
Date: 2025-01-15

Northwind builds physical robots, so many roles need lab and warehouse
time. This policy balances that with the flexibility people value.

## Role categories

| Category | Examples | Office days per week |
|----------|----------|----------------------|
| On-site | Manufacturing, hardware lab, field service | 5 |
| Hybrid | Firmware, product, customer success | 2 to 3 |
| Remote-first | Hermes backend, finance, recruiting | 0 to 1 |

Your offer letter states your category; changes need approval from your
manager and the People team.

## Core hours

Meetings across Boston, Munich and Lyon happen between 15:00 and 17:00
Central European Time (09:00 to 11:00 in Boston). Keep that window free
where you can.

## Working from another country

Up to 20 working days a year from another EU country (for Munich and Lyon
staff) or another US state (for Boston staff) without approval. Longer stays
need a tax and social security check by Finance.

## Home office allowance

One-off 600 EUR / 650 USD for a desk, chair and monitor, plus 30 EUR / 35
USD a month towards internet. Claim both through the expenses tool.

## Security

Robot maps and customer floor plans are confidential. Never open them on a
shared or public network without the VPN, and never print them at home.
"""

HR_DOCS["hr/travel-and-expenses-policy.md"] = """
# Travel and Expenses Policy
Author: Marta Kowalska
Date: 2025-03-03

## Before you travel

Customer site visits, trade fairs (LogiMAT in Stuttgart, ProMat in Chicago,
SITL in Paris) and inter-office travel are booked through the travel portal.
Trips above 2,500 EUR need approval from your director before booking.

## Flights and trains

- Economy class for flights under 6 hours; premium economy above 6 hours.
- Within Germany and France, take the train when it is under 4 hours door to
  door (Munich to Stuttgart, Lyon to Paris).
- Book at least 14 days in advance when possible.

## Hotels

Nightly caps: 180 EUR in Munich and Lyon, 230 EUR in Paris and London, 260
USD in Boston and Chicago, 210 USD elsewhere in the US.

## Meals and per diem

Germany uses the statutory Verpflegungspauschale (14 EUR for 8+ hours,
28 EUR for a full day). In the US and France we reimburse actual costs up to
75 USD or 60 EUR per day, with receipts.

## Customer entertainment

Up to 90 EUR per person, logged with the names of the guests and the
opportunity in the CRM. Gifts to customers over 50 EUR need Compliance
approval (see the Code of Conduct).

## Submitting expenses

Submit within 30 days in the expenses tool, with a photo of every receipt.
Finance reimburses with the next payroll run. Corporate cards are issued to
people who travel more than six times a year.
"""

HR_DOCS["hr/code-of-conduct.md"] = """
# Code of Conduct
Author: Maya Okafor
Date: 2024-09-01

## Our commitments

We build machines that work next to people in warehouses, so safety and
honesty come before speed. Every employee, contractor and board member
signs this code when joining and again every year.

## Safety first

- Never disable a robot's safety-rated stop, laser scanner field or speed
  limit on a customer site, even for a demo.
- Report every near miss involving an Atlas robot or a Pallas arm within 24
  hours in the safety log. Reporting is blame-free.

## Respect

Harassment, discrimination and retaliation are not tolerated. This covers
the office, customer sites, trade fairs, team events and chat.

## Conflicts of interest

Tell Compliance if you, or a close relative, hold a stake in a supplier,
competitor or customer, or if you want a second job.

## Gifts and bribery

No cash gifts, ever. Gifts and hospitality above 50 EUR given or received
need approval. We follow the US FCPA, the UK Bribery Act and the French
Sapin II law.

## Export control

The Atlas navigation stack and Pallas vision models are dual-use items for
some destinations. Check with Legal before shipping hardware or software
outside the EU, UK, US, Canada, Japan or Australia.

## Speaking up

Raise concerns with your manager, with People, or anonymously through the
whistleblowing channel.
"""

HR_DOCS["hr/performance-reviews.md"] = """
# Performance Reviews and Promotions
Author: Zoë Müller
Date: 2025-05-12

## Cycle

Northwind runs one review cycle a year, in October, with a lighter
mid-year check-in in April. Calibration happens per department in
November; salary changes take effect on 1 January.

## Ratings

| Rating | Meaning | Typical share |
|--------|---------|---------------|
| Exceptional | Far above the expectations of the level | 5 to 10% |
| Strong | Above expectations in most areas | 25 to 30% |
| Solid | Meets the expectations of the level | 50 to 60% |
| Developing | Below expectations in some areas | 5 to 10% |

## Inputs

- A self-review of at most one page.
- Feedback from three peers chosen with your manager.
- For managers, an upward feedback survey of their reports.

## Promotions

Promotions are decided in calibration, based on a written case that shows
sustained work at the next level for at least six months. Engineering levels
run from E1 to E7; the level guide is in the engineering handbook.

## Fairness checks

The People team compares ratings and raises across gender, office and
part-time status before results are final, and reports the outcome to the
leadership team. In 2024, the gap between average raises for part-time and
full-time staff was closed from 0.8 to 0.1 percentage points.
"""

HR_DOCS["hr/equipment-and-security.md"] = """
# Laptops, Phones and Security Basics
Author: Hannah Berg
Date: 2025-01-08

## What you get

Engineers receive a 14-inch laptop with 32 GB of memory; everyone else a
13-inch model with 16 GB. Field service engineers also get a rugged tablet
and a service kit (USB-CAN adapter, torque screwdriver, spare e-stop).

## Security rules

- Full-disk encryption and the endpoint agent are mandatory.
- Use the password manager; reuse of passwords is blocked by policy.
- Hardware security keys are required for SSO, the VPN and GitHub.
- Do not plug unknown USB devices into a robot's service port.

## Lost or stolen devices

Report to it-help@northwind-robotics.example within one hour. We wipe the
device remotely; you will not be blamed for reporting quickly.

## Returning equipment

When you move on, return all equipment to your office within five working
days. Remote staff receive a prepaid shipping box.
"""

HR_DOCS["hr/onboarding-checklist.md"] = """
# New Joiner Onboarding Checklist
Author: Elif Yılmaz
Date: 2025-04-22

## Before day one (People team)

- [ ] Contract signed and background check complete
- [ ] Laptop ordered (allow 10 working days in Germany and France)
- [ ] Accounts created: Google Workspace, Slack, HR portal, GitHub, Jira
- [ ] Buddy assigned from a different team

## Week one (manager)

- [ ] Welcome lunch with the team
- [ ] Safety induction in the robot lab (mandatory before entering the test
      hall in Munich or the Boston demo floor)
- [ ] Walk through the product overview: Atlas, Hermes, Pallas
- [ ] First 30/60/90-day goals written down together

## First month

- [ ] Shadow a customer call and a field visit
- [ ] Read the architecture decision records in engineering/adr
- [ ] Complete the security awareness course (45 minutes)
- [ ] Complete the anti-bribery course (30 minutes)

## Day 90

- [ ] Probation review with your manager and the People team
- [ ] Feedback survey about the onboarding process
"""

HR_DOCS["hr/hiring-process.md"] = """
# How We Hire
Author: Elif Yılmaz
Date: 2025-02-17

## Stages

1. Recruiter screen (30 minutes): motivation, salary range, start date.
2. Hiring manager interview (45 minutes).
3. Work sample: a take-home exercise of at most 3 hours, or a paid
   half-day on site for hardware roles.
4. Panel (3 interviews of 45 minutes, at least one by someone outside the
   team).
5. Debrief within 48 hours; reference checks; offer.

## Principles

- Every interviewer submits written feedback before the debrief.
- Salary ranges are published in every job ad (required in Colorado, New
  York and, from 2026, under the EU pay transparency directive).
- We reimburse travel for on-site interviews.

## Targets for 2025

We plan 28 hires: 12 in engineering, 6 in field service, 4 in sales, 3 in
manufacturing and 3 in G&A. The median time from application to offer was
31 days in 2024; the goal for 2025 is 25 days.
"""

HR_DOCS["hr/learning-budget.md"] = """
# Learning and Conference Budget
Author: Zoë Müller
Date: 2025-01-20

Each employee has 1,500 EUR (or 1,600 USD) per year for courses, books and
conferences, plus up to three working days. Unused budget does not carry
over.

Popular uses in 2024: ROSCon (Odense), the Embedded World fair in Nuremberg,
SREcon, a PostgreSQL administration course, and German or French lessons for
people who moved between offices.

Ask your manager first, then submit the invoice in the expenses tool with the
category "Learning". Certifications that the company asks you to get (for
example the functional safety engineer certificate) are paid from the
department budget, not from your personal one.
"""

HR_DOCS["hr/whistleblowing-policy.md"] = """
# Whistleblowing Policy
Author: Sam Whitfield
Date: 2024-10-01

Northwind Robotics complies with the EU Whistleblower Directive, the German
Hinweisgeberschutzgesetz and US Sarbanes-Oxley protections.

## What to report

Fraud, bribery, safety violations, data protection breaches, export control
violations, and any retaliation against people who raised a concern.

## How to report

- Online: the external reporting portal (anonymous if you wish).
- Phone: the 24/7 hotline run by our external provider.
- In person: the Compliance Officer (Sam Whitfield) or the works council.

Reports are acknowledged within 7 days and receive feedback within 3 months.
Retaliation against a reporter is a disciplinary offence.
"""

HR_DOCS["hr/benefits-overview-us.md"] = """
# US Benefits Overview 2025
Author: Zoë Müller
Date: 2024-11-18

For employees of Northwind Robotics Inc. (Boston). Open enrollment runs
from 4 to 22 November 2024 for the plan year starting 1 January 2025.

## Health

- Medical: choice of a PPO or an HSA-eligible plan; Northwind pays 90% of
  the employee premium and 75% for dependants.
- Dental and vision: 100% of the employee premium.
- HSA contribution: 1,000 USD (single) or 2,000 USD (family).

## Retirement

401(k) with a match of 100% of the first 4% of salary, vesting immediately.

## Family

Fertility and adoption assistance up to 15,000 USD lifetime. Time off for
new parents is described in the separate parental policy.

## Other

- Commuter benefit: up to 315 USD a month pre-tax for the MBTA.
- Life and disability insurance: 2x salary, paid by Northwind.
- Employee assistance program: 8 free counselling sessions a year.
"""

HR_DOCS["hr/on-call-compensation.md"] = """
# On-Call Compensation
Author: Daniel Reyes
Date: 2025-06-02

Engineers on the Hermes cloud rotation and field service engineers on the
robot hotline are paid for being on call.

| Region | Weekday standby (per day) | Weekend/holiday standby (per day) | Per call-out hour |
|--------|---------------------------|------------------------------------|-------------------|
| Germany | 45 EUR | 90 EUR | 1.5 x hourly rate |
| France | 40 EUR | 85 EUR | 1.5 x hourly rate |
| US | 50 USD | 100 USD | 1.5 x hourly rate |

Rules: a shift is one week, handed over on Monday at 10:00 CET. Nobody is on
call more than one week in four. In Germany, the Arbeitszeitgesetz rest
period of 11 hours applies after a night call-out, and the start of the next
working day moves accordingly (see the works agreement on working time).
"""

HR_DOCS["hr/betriebsvereinbarung-arbeitszeit.md"] = """
# Betriebsvereinbarung Arbeitszeit und Rufbereitschaft
Author: Jonas Weber
Date: 2024-11-28

Zwischen der Northwind Robotics GmbH, München, vertreten durch die
Geschäftsführung, und dem Betriebsrat der Northwind Robotics GmbH, vertreten
durch den Vorsitzenden Jonas Weber, wird folgende Betriebsvereinbarung
geschlossen.

## § 1 Geltungsbereich

Diese Vereinbarung gilt für alle Beschäftigten der Northwind Robotics GmbH
am Standort München mit Ausnahme der leitenden Angestellten im Sinne von
§ 5 Abs. 3 BetrVG.

## § 2 Regelmäßige Arbeitszeit

Die regelmäßige wöchentliche Arbeitszeit beträgt 38,5 Stunden. Es gilt
Gleitzeit mit einer Kernarbeitszeit von 10:00 bis 15:00 Uhr (freitags bis
13:00 Uhr). Die Arbeitszeit wird elektronisch erfasst; das Zeitkonto darf
höchstens 60 Plusstunden und 20 Minusstunden aufweisen.

## § 3 Rufbereitschaft

(1) Rufbereitschaft für die Hermes-Cloud und die Roboter-Hotline wird
wochenweise im Voraus für drei Monate geplant.

(2) Niemand wird öfter als eine Woche in vier Wochen zur Rufbereitschaft
eingeteilt. Tauschwünsche werden im Team geregelt und dem Schichtplan
gemeldet.

(3) Die Pauschale beträgt 45 Euro pro Werktag und 90 Euro pro Wochenend-
oder Feiertag. Einsätze werden mit 150 Prozent des Stundenlohns vergütet.

(4) Nach einem nächtlichen Einsatz ist die Ruhezeit von elf Stunden nach
§ 5 ArbZG einzuhalten; der Arbeitsbeginn verschiebt sich entsprechend,
ohne dass Minusstunden entstehen.

## § 4 Arbeit an Kundenstandorten

Reisezeiten zu Kundenstandorten (zum Beispiel Rotterdam oder Basel) gelten
als Arbeitszeit. Inbetriebnahmen am Wochenende bedürfen der Zustimmung des
Betriebsrats mit einer Frist von zehn Tagen.

## § 5 Elternzeit und Teilzeit

Beschäftigte in Elternzeit oder Teilzeit werden nicht zur Rufbereitschaft
eingeteilt, es sei denn, sie wünschen es ausdrücklich.

## § 6 Inkrafttreten und Kündigung

Diese Vereinbarung tritt am 1. Januar 2025 in Kraft. Sie kann mit einer
Frist von drei Monaten zum Jahresende gekündigt werden.

München, den 28. November 2024

Maya Okafor, Geschäftsführerin — Jonas Weber, Betriebsratsvorsitzender
"""

HR_TXT = {}

HR_TXT["hr/politique-teletravail-lyon.txt"] = """
Politique de télétravail — site de Lyon
Date: 2025-03-10
Northwind Robotics SAS, 14 rue de la Part-Dieu, 69003 Lyon
Mise à jour : 10 mars 2025 — rédigée par François Lefèvre et Inês Carvalho

1. Principe
Les salariés du site de Lyon peuvent télétravailler jusqu'à deux jours par
semaine, sauf les postes d'atelier et d'intégration du bras Pallas, qui
exigent une présence sur site.

2. Demande
La demande se fait par e-mail au manager, avec copie à l'équipe RH. Un
avenant au contrat précise les jours choisis (en général mardi et jeudi).

3. Équipement et indemnité
Northwind fournit un ordinateur portable, un écran et un casque. Une
indemnité forfaitaire de 2,60 EUR par jour de télétravail est versée chaque
mois, dans la limite de 57,20 EUR, conformément au barème de l'URSSAF.

4. Droit à la déconnexion
Aucun e-mail ni message n'est attendu entre 19h et 8h, ni le week-end,
sauf pour les personnes d'astreinte. Les outils de messagerie affichent un
rappel automatique après 20h.

5. Sécurité des données
Les plans d'entrepôt de nos clients (par exemple Everline Retail à
Saint-Priest) sont confidentiels : connexion VPN obligatoire, pas
d'impression à domicile.

Contact : François Lefèvre, responsable du site, ou le CSE de Lyon.
"""

HR_TXT["hr/office-notes-munich.txt"] = """
Munich office notes — Atelierstraße 7, 81671 München
Updated: 2025-09-02
Maintained by the office team, last edited 2025-09-02

Access: badge readers on the main door and the test hall. Visitors sign in at
reception (Ms. Brigitte Hofer, ext. 100) and wear the orange lanyard. Nobody
enters the test hall without the safety induction, not even for five minutes.

Kitchen: coffee machine descaled every Friday. Oat milk and regular milk
delivered Tuesday and Friday by the organic grocer.

Parking: 12 spaces in the courtyard, 4 with EV chargers. Book through the
room-booking tool; priority for people carrying robot parts.

Bikes: indoor racks in the basement, code 4711 (changes every quarter).

Quiet rooms: "Isar" and "Lech" on the 2nd floor are phone booths, max 30
minutes. The large room "Zugspitze" seats 14 and has the video bar.

Fire wardens: Noah Schreiber (ground floor), Marta Kowalska (1st floor),
Hannah Berg (2nd floor). Assembly point: the car park across the street.

Deliveries over 30 kg go to the loading bay on Ostbahnhof side, Mon-Fri
07:00-15:30. Tell Kwame's team in Boston if it's an Atlas chassis from them.
"""


def hr():
    for rel, text in HR_DOCS.items():
        write(rel, dedent(text))
    for rel, text in HR_TXT.items():
        write(rel, dedent(text))
    write_json("hr/holiday-calendar-2025.json", {
        "title": "Company Holiday Calendar 2025",
        "author": name("zoe"),
        "created_at": "2024-11-25T09:00:00Z",
        "description": "Public and company holidays observed by each Northwind office in 2025.",
        "offices": [
            {"office": "Boston", "holidays": [
                {"date": "2025-01-01", "name": "New Year's Day"},
                {"date": "2025-01-20", "name": "Martin Luther King Jr. Day"},
                {"date": "2025-04-21", "name": "Patriots' Day"},
                {"date": "2025-05-26", "name": "Memorial Day"},
                {"date": "2025-06-19", "name": "Juneteenth"},
                {"date": "2025-07-04", "name": "Independence Day"},
                {"date": "2025-09-01", "name": "Labor Day"},
                {"date": "2025-11-27", "name": "Thanksgiving"},
                {"date": "2025-11-28", "name": "Day after Thanksgiving"},
                {"date": "2025-12-25", "name": "Christmas Day"}]},
            {"office": "Munich", "holidays": [
                {"date": "2025-01-06", "name": "Heilige Drei Könige"},
                {"date": "2025-04-18", "name": "Karfreitag"},
                {"date": "2025-04-21", "name": "Ostermontag"},
                {"date": "2025-05-01", "name": "Tag der Arbeit"},
                {"date": "2025-05-29", "name": "Christi Himmelfahrt"},
                {"date": "2025-06-09", "name": "Pfingstmontag"},
                {"date": "2025-06-19", "name": "Fronleichnam"},
                {"date": "2025-10-03", "name": "Tag der Deutschen Einheit"},
                {"date": "2025-12-24", "name": "Heiligabend (company day)"},
                {"date": "2025-12-26", "name": "Zweiter Weihnachtstag"}]},
            {"office": "Lyon", "holidays": [
                {"date": "2025-04-21", "name": "Lundi de Pâques"},
                {"date": "2025-05-08", "name": "Victoire 1945"},
                {"date": "2025-07-14", "name": "Fête nationale"},
                {"date": "2025-08-15", "name": "Assomption"},
                {"date": "2025-11-11", "name": "Armistice"},
                {"date": "2025-12-08", "name": "Fête des Lumières (company afternoon)"}]},
        ],
    })


# =========================================================================
# Engineering
# =========================================================================

ADRS = [
    ("001", "Use PostgreSQL for Hermes mission state", "daniel", "2024-02-12", "Accepted",
     """Hermes must store missions (pick up a tote here, drop it there), robot
     reservations of aisles and the audit trail that customers ask for after a
     collision review. The prototype kept this in Redis with periodic snapshots,
     and we lost eleven minutes of missions at Drayton Parts in January 2024
     when a snapshot failed silently.""",
     """We store all mission state in PostgreSQL 16 (managed, one primary and
     two synchronous-capable replicas per region). Redis stays only as a cache
     for robot positions, which are rebuilt from telemetry within seconds.""",
     """Writes are slower (p99 of 9 ms instead of 1 ms), which is fine at our
     scale of roughly 400 missions per minute per site. We need a proper
     failover procedure and connection pooling (PgBouncer), and the on-call team
     needs PostgreSQL skills."""),
    ("002", "Rust for the Atlas motor controller firmware", "aiko", "2024-03-04", "Accepted",
     """The motor controller firmware was written in C in 2021. Three of the
     last five field defects were memory-safety bugs in the CAN message parser,
     one of which caused a wheel to stall on a ramp at Bluefin Grocers.""",
     """New motor controller code is written in Rust (no_std, embassy runtime on
     the STM32H7). The existing C parser is replaced first; the PID loops follow
     once the hardware-in-the-loop rig covers them.""",
     """We must train four firmware engineers and keep two toolchains until
     2026. Binary size grew by 18 KB, well within the 1 MB flash."""),
    ("003", "gRPC between robots and Hermes", "ben", "2024-04-22", "Accepted",
     """Robots talked to Hermes over MQTT with JSON payloads. Schemas drifted
     between firmware and cloud versions, and JSON parsing cost 7% of the
     navigation computer's CPU.""",
     """Robots and Hermes speak gRPC with protobuf schemas stored in the
     `northwind-protos` repository; bidirectional streams carry telemetry and
     mission commands. MQTT remains for third-party sensors only.""",
     """Customers with strict firewalls need port 443 outbound only, which gRPC
     over HTTP/2 satisfies. We need a compatibility test matrix of the last
     three firmware releases against the current Hermes."""),
    ("004", "One map format for robots and arms", "camille", "2024-06-10", "Accepted",
     """Atlas used occupancy grids in PGM files while Pallas used a point-cloud
     format from its vision vendor. Commissioning a mixed site meant surveying
     twice and aligning the two by hand, which took two engineer-days.""",
     """All Northwind products use the NWMap format: a tiled occupancy grid at
     2.5 cm resolution with semantic layers (racks, docks, no-go zones, pick
     faces) and a shared site coordinate frame.""",
     """Pallas needs a converter for legacy vision data. Map files grow by
     about 30%, acceptable for sites up to 60,000 square metres."""),
    ("005", "Blue-green deployments for Hermes", "tom", "2024-08-19", "Accepted",
     """Rolling deployments of Hermes caused brief mission stalls whenever a
     scheduler pod restarted while holding aisle reservations.""",
     """Hermes is deployed blue-green per region. The new colour warms up,
     takes over reservations through a hand-off protocol, and the old colour
     drains for 10 minutes before it is removed.""",
     """Peak deployments need twice the compute for about 20 minutes. Database
     migrations must be backwards compatible for one release."""),
    ("006", "Telemetry retention of 90 days", "raj", "2024-10-07", "Accepted",
     """Each Atlas robot sends about 1.2 GB of telemetry a day. Keeping it
     forever cost 14,000 USD a month by September 2024 and made GDPR requests
     slow, because some customers' telemetry includes operator badge IDs.""",
     """Raw telemetry is kept for 90 days. Aggregates (per robot, per hour) are
     kept for 3 years. Operator identifiers are pseudonymised at ingestion.""",
     """Root-cause analysis of rare faults older than 90 days relies on the
     aggregates and on the robots' local flight recorder."""),
    ("007", "Feature flags in Hermes via a config service", "grace", "2025-01-27", "Proposed",
     """Customer-specific behaviour (for example, Cobalt Pharma's two-person
     confirmation for controlled substances) lives in if-statements keyed on
     site IDs, and we ship a release to change one.""",
     """Introduce a config service with typed, audited flags per site, read by
     the scheduler at mission start. Flags have an owner and an expiry date.""",
     """We need a UI for Customer Success and a review step for flags that
     touch safety behaviour, which must be approved by the safety officer."""),
    ("008", "Separate safety PLC from navigation computer on Atlas Gen 3", "omar", "2025-04-14", "Accepted",
     """On Atlas Gen 2, the safety functions (protective stop, speed
     monitoring) run on a safety co-processor on the same board as the Linux
     navigation computer. Certification auditors asked for clearer
     separation for the ISO 3691-4 recertification.""",
     """Atlas Gen 3 uses a separate safety PLC (SIL 2 / PL d) connected to the
     laser scanners and motor drives over a safety fieldbus. The navigation
     computer can only request speeds; the PLC enforces limits.""",
     """Bill of materials rises by 310 USD per robot. Recertification is
     simpler and the navigation computer can be updated without re-assessing
     the safety functions."""),
]


ENG_DOCS = {}

ENG_DOCS["engineering/design/hermes-mission-scheduler.md"] = """
# Design: Hermes Mission Scheduler v2
Author: Ben Adeyemi
Date: 2025-02-24

Status: implemented in Hermes 2025.4. Reviewers: Grace Kim, Tom Lindqvist.

## Problem

The v1 scheduler assigns each new mission to the nearest idle robot. At
Granite Foods (Chicago, 46 robots) this produces long empty runs at shift
change, and robots queue at the same three charging docks. Average mission
latency at peak was 4 min 10 s in December 2024.

## Approach

The v2 scheduler solves a batched assignment problem every 2 seconds:

1. Collect open missions and robots that are idle or will be idle within
   60 seconds (predicted from their current mission).
2. Build a cost matrix: travel time from the site graph, plus a penalty for
   low state of charge, plus a penalty for aisle congestion.
3. Solve with the Hungarian algorithm (sites have at most 150 robots, so
   a 150x150 problem solves in under 20 ms).
4. Commit assignments in one PostgreSQL transaction together with aisle
   reservations, so a crash never leaves half an assignment.

## Charging

Robots below 25% state of charge are withheld from new missions unless
nothing else can serve a priority mission. Dock slots are reserved like
aisles.

## Results from the Granite Foods pilot

| Metric | v1 | v2 |
|--------|----|----|
| Mean mission latency at peak | 4 min 10 s | 2 min 35 s |
| Empty travel share | 41% | 29% |
| Dock queue events per shift | 38 | 6 |

## Risks

The batch window adds up to 2 seconds of latency for a single urgent
mission; priority missions bypass the batch.
"""

ENG_DOCS["engineering/design/atlas-localization-stack.md"] = """
# Design: Atlas Localization Stack
Author: Aiko Tanaka
Date: 2024-09-16

## Sensors

Two 270-degree safety laser scanners (front and rear corners), a 3D depth
camera facing forward, wheel odometry from both drive units and a 6-axis IMU.

## Pipeline

- Wheel odometry and IMU fused in an EKF at 200 Hz.
- Scan matching against the NWMap occupancy layer at 20 Hz (correlative
  matcher on a GPU-less ARM board, 6 ms per match).
- Fiducial correction: optional AprilTag markers on rack uprights give an
  absolute fix when the robot passes them; used at sites with long identical
  aisles such as Fjord Freight's Oslo cold store.

## Accuracy targets

Position error below 10 mm and heading error below 0.5 degrees at docking
stations; below 50 mm in open aisles.

## Failure handling

If the match score drops below 0.55 for 3 seconds, the robot slows to
0.3 m/s; below 0.4 for 5 seconds it stops and raises a "lost" alarm in Hermes.
Ops can relocalize it remotely by clicking its position on the map.

## Open issues

Reflective floor coatings (Harbor Home, Seattle) cause ghost returns.
We are testing a reflectivity filter in firmware 3.9.
"""

ENG_DOCS["engineering/design/pallas-grasp-planner.md"] = """
# Design: Pallas Grasp Planner 2.0
Author: Camille Durand
Date: 2025-06-30

## Goal

Raise the first-attempt pick success rate on mixed SKUs from 92.4% to above
97%, at 600 picks per hour, for the piece-picking cell at Cobalt Pharma.

## Inputs

An RGB-D image from the overhead camera, the SKU master data (dimensions,
weight, fragility, packaging type), and the tote pose from the Atlas robot
that delivered it.

## Method

1. Segment items with the instance model (retrained on 41,000 labelled
   images from four customer sites).
2. Generate suction and two-finger grasp candidates per item.
3. Score candidates with a learned quality model plus rule-based vetoes:
   no suction on blister packs with perforations, no grasps within 8 mm of a
   tote wall.
4. Execute the best candidate; on failure, re-image and try the next one,
   at most three times before asking a human.

## Results (lab, 12,000 picks)

First-attempt success 97.3%, median cycle 5.6 s, 0.02% drops.

## Rollout

Cobalt Pharma Basel in September 2025, then Everline Retail in Q4.
"""

ENG_DOCS["engineering/coding-standards.md"] = """
# Engineering Coding Standards
Author: Daniel Reyes
Date: 2024-07-01

## General

- Every change goes through a pull request with at least one reviewer; two
  for safety-related code (anything under `firmware/safety/` or the Hermes
  speed-zone service).
- CI must be green. Flaky tests are quarantined within a day, with a ticket.
- Commit messages explain why, not only what.

## Languages

- Firmware: Rust for new code, C (MISRA C:2012 subset) for legacy modules.
- Navigation: C++17 with clang-tidy, ROS 2 Humble.
- Hermes: Go for services, TypeScript/React for the web console.
- Data: Python 3.11, typed with mypy in strict mode.

## Logging

Structured logs only. Never log customer floor-plan coordinates at INFO
level, and never log operator badge IDs in clear text.

## Reviews

Reviewers answer within one working day. Large changes (over 600 lines)
need a design note first.
"""

ENG_DOCS["engineering/release-process.md"] = """
# Release Process for Atlas Firmware and Hermes
Author: Tom Lindqvist
Date: 2025-05-05

## Atlas firmware

1. Release branch cut every six weeks on a Monday.
2. One week of hardware-in-the-loop tests and a 72-hour soak on the
   twelve-robot fleet in the Munich test hall.
3. Canary: two customer sites with a standing agreement (currently Acme
   Logistics Rotterdam and Bluefin Grocers Leeds), 5% of their robots first.
4. Staged rollout to all sites over two weeks; customers can defer by up to
   30 days.

## Hermes

Hermes is released every two weeks per region, blue-green (ADR 005), EU
first on Tuesday, US on Thursday. Hotfixes follow the same path in hours.

## Release notes

Product managers publish release notes in `product/release-notes/` the day
the rollout starts. Customer Success sends the customer summary.

## Freeze periods

No firmware rollouts between 15 November and 10 January, when most retail
and grocery customers are in peak season.
"""

ENG_TXT = {}

ENG_TXT["engineering/notes/hil-rig-notes.txt"] = """
HIL rig notes (hardware-in-the-loop), Munich lab bench 3
Updated: 2025-08-14
Kept by Aiko Tanaka. Newest entries at the top.

2025-08-14  Swapped the CAN interface on bench 3 to the new 4-channel
            adapter. Timing jitter on the motor bus went from 180 us to 35 us.
            Re-ran the ramp-stall regression suite: 412/412 passing.
2025-07-29  Drive unit #7 on the rig has a worn encoder; it produces a
            phantom 2 mm jump every ~40 minutes. Marked it "do not use for
            odometry tests". Omar ordered a replacement (PO 2025-0719).
2025-07-02  Added a test for the new brake-release timing (firmware 3.7).
            Under 12 ms in all 1,000 runs. Spec says 20 ms.
2025-06-11  Power supply on bench 3 tripped twice when simulating a
            regenerative braking spike. Limited the sim to 54 V. Ticket HW-233.
"""

ENG_TXT["engineering/notes/test-hall-schedule.txt"] = """
Munich test hall booking — week 38/2025
Date: 2025-09-12
(copy of the whiteboard, typed by Noah)

Mon 15.09  08:00-12:00  Pallas cell calibration (Camille, remote from Lyon)
           13:00-18:00  Firmware 3.10 soak start, 12 robots (Aiko)
Tue 16.09  all day      soak continues, hall CLOSED to visitors
Wed 17.09  10:00-11:30  Customer visit: Fjord Freight (Erik Nilsen + 2)
                        -> Lena hosts, demo route B only, soak robots parked
Thu 18.09  09:00-17:00  Gen 3 safety PLC tests with TÜV auditor (Omar)
Fri 19.09  09:00-12:00  Cleaning, floor re-marking aisle 4
           14:00        Weekly hall retro

Reminder: the new floor tape in aisle 4 is the reflective kind, which
confuses scanner matching. Use the matte one from the blue box.
"""

ENG_TXT["engineering/notes/gen3-bom-scratch.txt"] = """
Atlas Gen 3 BOM deltas vs Gen 2 (scratch, Omar Haddad, 2025-05-20)
Date: 2025-05-20

+ safety PLC (SIL2/PLd)                    +310 USD
+ second depth camera (rear)               +145 USD
- old safety co-processor board            -95 USD
~ drive units: new supplier (Kessler Antriebe), quote 1,120 -> 1,040 USD/pair
~ chassis: laser-cut + bent instead of welded, -60 USD, +0.8 kg
~ lidar: unchanged
~ battery pack: unchanged cells, new BMS firmware only

Net: +240 USD per robot at 500 units/yr.
Open: confirm PLC lead time (quoted 16 weeks!), ask Kwame about fixture cost.
"""


def engineering():
    for num, title, who, date, status, context, decision, consequences in ADRS:
        slug = title.lower().replace(" ", "-").replace(",", "")
        text = "# ADR %s: %s\nAuthor: %s\nDate: %s\n\nStatus: %s\n\n## Context\n\n%s\n\n## Decision\n\n%s\n\n## Consequences\n\n%s\n" % (
            num, title, name(who), date, status,
            textwrap.dedent("    " + context.strip()).strip(),
            textwrap.dedent("    " + decision.strip()).strip(),
            textwrap.dedent("    " + consequences.strip()).strip())
        write("engineering/adr/%s-%s.md" % (num, slug), text)
    for rel, text in ENG_DOCS.items():
        write(rel, dedent(text))
    for rel, text in ENG_TXT.items():
        write(rel, dedent(text))
    write_json("engineering/hermes-api-notes.json", {
        "title": "Hermes Public API v2: Endpoint Notes",
        "author": name("ben"),
        "created_at": "2025-03-20T14:05:00Z",
        "description": "Internal notes on the Hermes REST API that customers use to "
                       "submit missions from their warehouse management systems.",
        "base_url": "https://api.hermes.northwind-robotics.example/v2",
        "auth": "OAuth 2.0 client credentials; tokens valid for 60 minutes",
        "endpoints": [
            {"method": "POST", "path": "/sites/{site_id}/missions",
             "notes": "Create a mission. Idempotent with the Idempotency-Key header; "
                      "SAP EWM and Manhattan integrations always send it."},
            {"method": "GET", "path": "/sites/{site_id}/missions/{id}",
             "notes": "Status is one of queued, assigned, in_progress, done, failed, cancelled."},
            {"method": "GET", "path": "/sites/{site_id}/robots",
             "notes": "Positions are in the site frame in metres; refreshed every 500 ms."},
            {"method": "POST", "path": "/sites/{site_id}/zones/{zone_id}/lock",
             "notes": "Closes an area to robots, e.g. for forklift maintenance. Requires "
                      "the zone:write scope."},
            {"method": "GET", "path": "/sites/{site_id}/events",
             "notes": "Server-sent events stream; customers use it to feed their dashboards."},
        ],
        "rate_limits": {"default_per_minute": 600, "burst": 100},
        "known_issues": [
            "Pagination cursor expires after 10 minutes (HRM-1882).",
            "Zone lock does not yet return the list of robots rerouted (HRM-1910).",
        ],
    })
    rota = []
    names = ["tom", "ben", "raj", "hannah", "daniel"]
    start = datetime(2025, 9, 1)
    for i in range(12):
        rota.append({"week_starting": (start + timedelta(weeks=i)).strftime("%Y-%m-%d"),
                     "primary": name(names[i % 5]), "secondary": name(names[(i + 2) % 5])})
    write_json("engineering/oncall-rotation-q4-2025.json", {
        "title": "Hermes Cloud On-Call Rotation, September to November 2025",
        "author": name("tom"),
        "created_at": "2025-08-22T08:30:00Z",
        "description": "Primary and secondary on-call engineers per week for the Hermes cloud. "
                       "Hand-over Mondays 10:00 CET in #hermes-oncall.",
        "shifts": rota,
    })


# =========================================================================
# Product
# =========================================================================

ATLAS_RELEASES = [
    ("3.0.0", "2024-03-18", "priya", [
        "New NWMap loader: sites migrate from PGM occupancy grids on first boot (ADR 004).",
        "Motor controller CAN parser rewritten in Rust; fixes the ramp stall seen at Bluefin Grocers.",
        "Top speed with payload raised from 1.6 to 1.8 m/s on sites that enable it in Hermes."],
     ["Maps edited with Map Studio older than 2.4 must be re-exported."]),
    ("3.1.0", "2024-04-29", "priya", [
        "Protective field sets now switch 120 ms earlier when entering narrow aisles.",
        "Tote detection uses the depth camera, rejecting totes that overhang more than 40 mm.",
        "Service menu shows drive-unit temperatures and encoder health."],
     ["Two robots at Drayton Parts reported a spurious 'lift blocked' after the upgrade; fixed in 3.1.1."]),
    ("3.2.0", "2024-06-10", "priya", [
        "gRPC link to Hermes replaces MQTT (ADR 003); outbound port 443 only.",
        "Cold-store mode for -25 C freezers: heated scanner windows and slower acceleration.",
        "Localization recovers from a 'lost' state on its own in 83% of lab cases."],
     ["Sites still on Hermes 2024.5 must upgrade Hermes first."]),
    ("3.3.0", "2024-07-22", "priya", [
        "Lift mechanism: soft-start profile reduces the peak current by 30%.",
        "AprilTag fiducial correction for long identical aisles (first used at Fjord Freight).",
        "Remote relocalization from the Hermes map view."],
     ["Fiducials must be printed at 150 mm; smaller tags are ignored."]),
    ("3.4.0", "2024-09-02", "priya", [
        "Dynamic obstacle prediction: robots slow down earlier for pedestrians crossing an aisle.",
        "Docking accuracy improved from 15 mm to 8 mm on the new charging dock rev C.",
        "Telemetry pseudonymises operator badge IDs on the robot (ADR 006)."],
     ["Dock rev B sites keep the old docking routine."]),
    ("3.5.0", "2024-10-14", "priya", [
        "Elevator integration with Schindler and KONE controllers through the Hermes building gateway.",
        "Audible warning volume adapts to ambient noise (55 to 82 dB).",
        "Diagnostics bundle can be pulled from Hermes without a site visit."],
     ["Elevator integration requires a site survey; contact Customer Success."]),
    ("3.6.0", "2025-01-20", "priya", [
        "Reflectivity filter for glossy epoxy floors (beta, opt-in).",
        "State-of-charge estimate now accounts for payload and temperature; error below 3%.",
        "Faster boot: from power-on to ready in 48 seconds instead of 75."],
     ["The filter is disabled by default; enable it per site in Hermes settings."]),
    ("3.7.0", "2025-03-31", "priya", [
        "Brake release timing reduced to under 12 ms, for smoother starts on slopes up to 5%.",
        "Lane-keeping in wide aisles: robots keep right to let pedestrians pass.",
        "New LED ring patterns for 'waiting for elevator' and 'waiting for zone unlock'."],
     ["Customers with custom LED mappings should review the new patterns."]),
    ("3.8.0", "2025-06-23", "priya", [
        "Pallas hand-off: Atlas positions totes within 5 mm of the arm cell's target pose.",
        "Scanner contamination warning tells ops when a window needs cleaning.",
        "Firmware signing keys rotated; robots verify the new chain before updating."],
     ["Robots that missed 3.7.x must install 3.7.2 before 3.8.0."]),
    ("3.9.0", "2025-09-15", "priya", [
        "Reflectivity filter generally available and enabled by default on new sites.",
        "Charging: opportunistic top-ups during idle minutes, configurable per shift.",
        "Ramp detection from the IMU adjusts speed before the scanner sees the slope."],
     ["Opportunistic charging needs Hermes 2025.17 or later."]),
]

HERMES_RELEASES = [
    ("2024.21", "2024-11-05", [
        "Fleet dashboard shows mission latency percentiles per zone.",
        "SAP EWM connector supports warehouse tasks with multiple handling units.",
        "Zone locks can be scheduled in advance (for cleaning shifts)."]),
    ("2025.2", "2025-01-28", [
        "Audit log export to CSV and to customers' S3 buckets.",
        "Role-based access: the new 'shift supervisor' role can pause robots but not edit maps.",
        "Faster map upload: 60,000 square metre sites load in 4 seconds."]),
    ("2025.4", "2025-02-25", [
        "Mission scheduler v2 (batched assignment) for all sites; see the design note.",
        "Charging dock reservations shown on the live map.",
        "API: Idempotency-Key header on mission creation."]),
    ("2025.7", "2025-04-08", [
        "Connection pooling and failover handling rewritten after the March incident; "
        "schedulers reconnect within 20 seconds of a primary change.",
        "Read-only 'degraded mode': robots finish running missions if the cloud is unreachable.",
        "Status page integration: incidents post automatically to status.northwind-robotics.example."]),
    ("2025.12", "2025-06-17", [
        "Pallas cells appear on the live map with their pick rate and queue.",
        "Manhattan SCALE connector (beta).",
        "Per-site feature flags managed by Customer Success (ADR 007)."]),
    ("2025.17", "2025-08-26", [
        "Opportunistic charging policies per shift.",
        "Heatmaps of congestion over the last 7 days.",
        "Single sign-on with Microsoft Entra ID and Okta for customer users."]),
]


PRODUCT_DOCS = {}

PRODUCT_DOCS["product/hermes-overview.md"] = """
# Hermes Fleet Management: Product Overview
Author: Grace Kim
Date: 2025-03-10

Hermes is Northwind's cloud software that plans, assigns and monitors the
work of Atlas robots and Pallas arms on a customer site.

## What it does

- **Mission management**: receives tasks from the customer's warehouse
  management system (SAP EWM, Manhattan, Blue Yonder or the REST API) and
  turns them into robot missions.
- **Traffic control**: reserves aisles, intersections and docks so robots
  never deadlock.
- **Live map**: shows every robot, arm cell, zone lock and charging dock.
- **Analytics**: mission latency, utilisation, congestion heatmaps.

## Deployment

Hermes runs in two regions (EU: Frankfurt, US: Virginia). A small edge
gateway on site keeps robots working for up to 30 minutes if the internet
link drops.

## Pricing

Hermes is licensed per robot per month (see the sales pricing guidelines).
The Enterprise tier adds SSO, audit export and a 99.9% availability SLA.

## Customers

All 14 Northwind customer sites run Hermes; the largest fleet is 46 robots at
Granite Foods in Chicago.
"""

PRODUCT_DOCS["product/pallas-overview.md"] = """
# Pallas Robotic Arm: Product Overview
Author: Camille Durand
Date: 2025-05-19

Pallas is a six-axis collaborative arm with a combined suction and
two-finger gripper, sold as a piece-picking cell that Atlas robots feed
with totes.

## Key figures

- Reach 1,300 mm; payload 7 kg at the flange.
- Up to 650 picks per hour on mixed SKUs.
- First-attempt pick success 97.3% in lab tests with Grasp Planner 2.0.
- Footprint of the cell: 2.4 m x 1.8 m including the tote conveyor.

## Safety

The cell is fenced on three sides; the open side is guarded by a light
curtain. Collaborative mode (ISO/TS 15066 speed and separation monitoring)
is available for cells where operators replenish by hand.

## Made in Lyon

Pallas is designed and integrated at our Lyon site. The arm itself comes
from a partner; the gripper, vision system and software are ours.
"""

PRODUCT_DOCS["product/atlas-faq-internal.md"] = """
# Atlas AMR: Internal FAQ for Sales and Support
Author: Priya Raman
Date: 2025-07-07

Short answers to what customers ask most often. For the full technical
data, always send the official product specification (PDF or DOCX).

**What can Atlas carry?** Totes and bins up to 600 kg on the lift top;
most customers move 60 x 40 cm totes in stacks of up to four.

**How fast is it?** 1.8 m/s unloaded where the site allows it; most sites
cap speed at 1.2 m/s in shared aisles.

**Does it need reflectors or floor tape?** No. It navigates by laser
scanners and the site map. Fiducials are optional for very long aisles.

**How long does commissioning take?** A typical 20-robot site takes three
weeks from survey to go-live.

**Can it use elevators?** Yes, with Schindler and KONE controllers (since
firmware 3.5).

**What about freezers?** Cold-store mode works down to -25 C.

**Who services it?** Our field service engineers, with a 4-hour response
time under the Premium support plan.
"""


def product():
    for version, date, who, items, notes in ATLAS_RELEASES:
        body = ["# Atlas Firmware %s Release Notes" % version,
                "Author: %s" % name(who), "Date: %s" % date, "",
                "Firmware %s for Atlas AMR Gen 2 robots. Rollout starts on %s with the canary "
                "sites and finishes two weeks later." % (version, date), "",
                "## What's new", ""]
        body += ["- %s" % i for i in items]
        body += ["", "## Known issues and upgrade notes", ""]
        body += ["- %s" % n for n in notes]
        write("product/release-notes/atlas-firmware-%s.md" % version, "\n".join(body))
    for version, date, items in HERMES_RELEASES:
        body = ["# Hermes %s Release Notes" % version, "Author: %s" % name("grace"),
                "Date: %s" % date, "",
                "Released to the EU region on %s and to the US region two days later." % date,
                "", "## Changes", ""]
        body += ["- %s" % i for i in items]
        write("product/release-notes/hermes-%s.md" % version, "\n".join(body))
    for rel, text in PRODUCT_DOCS.items():
        write(rel, dedent(text))
    write_json("product/feature-requests.json", {
        "title": "Customer Feature Requests Backlog (Hermes and Atlas)",
        "author": name("grace"),
        "created_at": "2025-10-01T10:00:00Z",
        "description": "Top feature requests from customers, ranked by the product council "
                       "on 30 September 2025.",
        "requests": [
            {"id": "FR-201", "title": "Shift handover report as PDF", "customers": ["Granite Foods", "Harbor Home"],
             "votes": 9, "status": "planned", "target": "Hermes 2025.22"},
            {"id": "FR-188", "title": "Robots yield to forklifts detected by ceiling cameras",
             "customers": ["Drayton Parts"], "votes": 7, "status": "discovery"},
            {"id": "FR-176", "title": "Multi-site fleet view for regional managers",
             "customers": ["Acme Logistics", "Bluefin Grocers"], "votes": 6, "status": "planned",
             "target": "Hermes 2026.2"},
            {"id": "FR-164", "title": "Pallas: pick from shelves, not only from totes",
             "customers": ["Cobalt Pharma"], "votes": 5, "status": "research"},
            {"id": "FR-150", "title": "Webhook when a robot is lost for more than 2 minutes",
             "customers": ["Fjord Freight", "Everline Retail"], "votes": 5, "status": "done",
             "shipped_in": "Hermes 2025.12"},
            {"id": "FR-142", "title": "German and French UI for the shift supervisor role",
             "customers": ["Everline Retail", "Kessler Getränke"], "votes": 4, "status": "in progress"},
        ],
    })


# =========================================================================
# Customers and sales
# =========================================================================

# slug: (company, domain, city, country, contact, contact title, industry,
#        atlas robots, pallas cells, customer since, ARR in EUR, tz offset hours)
CUSTOMERS = {
    "acme-logistics": ("Acme Logistics", "acme-logistics.example", "Rotterdam", "Netherlands",
                       "Hanna de Vries", "Director of Operations", "Third-party logistics",
                       32, 0, "2023-05-02", 612000, 1),
    "bluefin": ("Bluefin Grocers", "bluefin-grocers.example", "Leeds", "United Kingdom",
                "Oliver Grant", "Head of Fulfilment", "Online grocery", 24, 0, "2023-09-18",
                455000, 0),
    "cobaltpharma": ("Cobalt Pharma", "cobaltpharma.example", "Basel", "Switzerland",
                     "Marc Keller", "Head of Distribution Engineering", "Pharmaceutical distribution",
                     12, 2, "2024-02-05", 498000, 1),
    "draytonparts": ("Drayton Parts", "draytonparts.example", "Detroit", "United States",
                     "Angela Ruiz", "VP Supply Chain", "Automotive aftermarket parts",
                     18, 0, "2023-11-13", 371000, -5),
    "everline": ("Everline Retail", "everline.example", "Saint-Priest", "France",
                 "Claire Martin", "Responsable logistique", "Fashion e-commerce",
                 20, 1, "2024-06-24", 430000, 1),
    "fjordfreight": ("Fjord Freight", "fjordfreight.example", "Oslo", "Norway",
                     "Erik Nilsen", "Warehouse Manager", "Cold-chain logistics",
                     14, 0, "2024-03-11", 289000, 1),
    "granitefoods": ("Granite Foods", "granitefoods.example", "Chicago", "United States",
                     "Marcus Bell", "Director of DC Automation", "Food distribution",
                     46, 0, "2023-02-20", 874000, -6),
    "harborhome": ("Harbor Home", "harborhome.example", "Seattle", "United States",
                   "Nina Patel", "Senior Manager, Fulfilment Engineering", "Home goods retail",
                   22, 0, "2024-08-05", 402000, -8),
    "kessler": ("Kessler Getränke", "kessler-getraenke.example", "Augsburg", "Germany",
                "Stefan Brandl", "Leiter Logistik", "Beverage wholesale", 10, 0, "2025-04-01",
                176000, 1),
}


def cust(slug):
    return CUSTOMERS[slug]


def cust_addr(slug):
    c = cust(slug)
    local = c[4].lower().replace(" ", ".").replace("é", "e").replace("ü", "ue")
    return "%s <%s@%s>" % (c[4], local, c[1])


# Each e-mail: customer slug, local date-time, "in" (from the customer) or
# "out" (from Northwind), Northwind person, cc (person keys), subject, body,
# kind (plain, alt = multipart/alternative, attach = with an attachment),
# attachment (filename, content type, text) or None.
EMAILS = [
    ("acme-logistics", "2024-11-04 08:47", "in", "lena", ["luca"],
     "Wi-Fi roaming problems in hall 2 since Saturday",
     """Hi Lena,

since Saturday's access point firmware update in hall 2, our Atlas robots drop
their connection for 5 to 20 seconds when they cross from AP-2-07 to AP-2-08.
Missions are not lost, but the robots stop and wait, and the queue at the
outbound dock grew to 70 totes on Sunday night.

Our network team (Pieter Jansen) can join a call tomorrow at 10:00. Could your
field engineer look at the roaming thresholds with him?

Best regards,
Hanna de Vries
Director of Operations, Acme Logistics, Rotterdam""", "plain", None),
    ("acme-logistics", "2024-11-04 11:20", "out", "lena", ["noah"],
     "Re: Wi-Fi roaming problems in hall 2 since Saturday",
     """Hello Hanna,

thank you for the detailed report. Noah Schreiber from our field team will
join the call at 10:00 tomorrow. Please ask Pieter to have the controller logs
from Saturday onwards ready, and the new roaming settings (RSSI threshold and
802.11r status).

In the meantime, we have lowered the robots' stop-on-disconnect delay from 5 s
to 2 s in Hermes, so robots resume faster after a reconnect.

Kind regards,
Lena Fischer
Customer Success Manager EMEA, Northwind Robotics""", "alt", None),
    ("acme-logistics", "2025-02-03 14:05", "in", "luca", ["lena"],
     "Expansion to the Venlo site: request for proposal",
     """Dear Luca,

following our quarterly review, the board approved the automation of our new
Venlo distribution centre (38,000 m2, opening September 2025). We are inviting
three vendors to propose.

Scope: 20 to 25 robots for tote transport between the mezzanine and 14
outbound docks, integration with our Blue Yonder WMS, and the same Hermes
tenant as Rotterdam so that our control room sees both sites.

Please send your proposal by 28 February. The site layout is attached.

Kind regards,
Hanna de Vries""", "attach",
     ("venlo-layout-summary.txt", "text/plain",
      "Venlo DC layout summary\nTotal area: 38,000 m2\nMezzanine: 6,200 m2, 2 lifts\n"
      "Outbound docks: 14\nAisle width: 3.2 m main, 2.4 m secondary\nFloor: power-floated concrete\n")),
    ("acme-logistics", "2025-06-16 09:30", "out", "priya", ["lena"],
     "Atlas firmware 3.8 canary at Rotterdam next Monday",
     """Hi Hanna,

as agreed in our canary agreement, firmware 3.8.0 goes to two of your robots
(AT-0412 and AT-0419) on Monday 23 June at 06:00, before the morning shift.
The main change for you is the scanner contamination warning: your operators
will see a yellow badge on the live map when a scanner window needs wiping.

If anything looks wrong, the shift supervisor can roll back from the robot
page in Hermes in two clicks. I will check the metrics with Lena on Tuesday.

Thanks again for being a canary site.
Priya Raman, Product Manager Atlas AMR""", "plain", None),
    ("acme-logistics", "2026-01-19 16:40", "in", "luca", ["maya"],
     "Renewal 2026: volume pricing for Rotterdam and Venlo",
     """Luca,

our three-year agreement for Rotterdam ends on 1 May 2026. With Venlo live
since October, we now run 55 robots with you, and we would like a single
contract covering both sites with volume pricing from 50 robots upwards.

Procurement (Femke Bakker) also asks for the SLA credits to be reworked: the
current 5% credit per 0.1% below target is not meaningful for us.

Can we meet in Rotterdam in the week of 9 February?

Hanna""", "plain", None),

    ("bluefin", "2024-11-15 07:58", "in", "sofia", [],
     "Robot AT-0233 keeps stopping on the ramp to the chiller",
     """Hello support,

AT-0233 has stopped on the ramp to chiller 3 four times this week, always
loaded with two stacks of crates. It shows "drive fault left" and we have to
push it off the ramp by hand, which my team is not comfortable with.

Firmware is 3.4.0. Other robots use the same ramp without problems.

Regards,
Oliver Grant, Head of Fulfilment, Bluefin Grocers""", "plain", None),
    ("bluefin", "2024-11-15 10:12", "out", "sofia", ["noah", "aiko"],
     "Re: Robot AT-0233 keeps stopping on the ramp to the chiller",
     """Hi Oliver,

thanks, and please do not push loaded robots by hand on the ramp; use the
"release brake and tow" procedure on the HMI instead, which keeps the brakes
controlled.

The diagnostics bundle shows the left drive unit's current rising above the
limit after about 2 m of the ramp. This matches a worn gearbox we have seen
on two other robots of the same production batch. We are shipping a
replacement drive unit today; our engineer will fit it on Tuesday morning.

Ticket: SUP-4107.
Sofia Alvarez, Support Lead""", "alt", None),
    ("bluefin", "2025-05-12 13:22", "in", "jose", [],
     "Peak season 2025: can we rent extra robots?",
     """Hi José,

our forecast for November and December is 35% above last year. Rather than
buying, could we rent 6 to 8 extra Atlas robots from 1 November to 15 January?
We would need them commissioned on our existing map by 25 October.

What would that cost, and do you have the units?

Thanks,
Oliver""", "plain", None),
    ("bluefin", "2025-08-06 15:03", "out", "jose", ["sam"],
     "Seasonal rental offer: 8 Atlas robots for Leeds",
     """Hi Oliver,

good news: we can offer 8 refurbished Gen 2 robots (all with fresh drive units
and packs) for the peak period.

- Rental: 1,150 GBP per robot per month, minimum 2.5 months
- Commissioning on your existing map: 4,800 GBP one-off
- Hermes licences for the extra robots included
- Delivery on 20 October, collection from 16 January

The offer is valid until 31 August. The quote is attached as a text file for
your procurement system.

Best,
José Peña""", "attach",
     ("NWR-Q-2025-0811.txt", "text/plain",
      "Quote NWR-Q-2025-0811\nCustomer: Bluefin Grocers Ltd\nItem 1: Atlas Gen 2 rental x8, "
      "2.5 months, 1150 GBP/robot/month = 23,000 GBP\nItem 2: Commissioning = 4,800 GBP\n"
      "Total: 27,800 GBP excl. VAT\nValid until: 2025-08-31\n")),

    ("cobaltpharma", "2024-11-26 09:15", "in", "camille", ["lena"],
     "Pallas cell 2: GMP documentation for the validation",
     """Dear Ms Durand,

for the validation of Pallas cell 2 under EU GMP Annex 11, our QA team needs
the following from Northwind before 13 December:

1. Software version list for the cell (vision, grasp planner, PLC).
2. The change control procedure for updates you push remotely.
3. Evidence that audit trail entries cannot be edited by users.

Could you let me know who on your side owns this?

Best regards,
Marc Keller, Head of Distribution Engineering, Cobalt Pharma AG""", "plain", None),
    ("cobaltpharma", "2025-02-22 18:30", "out", "grace", ["camille"],
     "Two-person confirmation for controlled substances is live",
     """Dear Marc,

the two-person confirmation you requested for missions carrying controlled
substances (narcotics cage, zone N) is now active on your site. A mission into
zone N starts only after two different badge holders confirm it on the HMI,
and both names go into the audit log.

We implemented it as a site feature flag, so your QA team can review the
configuration in the Hermes admin page under Settings > Compliance.

Kind regards,
Grace Kim, Product Manager Hermes""", "alt", None),
    ("cobaltpharma", "2025-05-21 08:02", "in", "lena", [],
     "Temperature excursion alarm in zone C",
     """Hello Lena,

last night the temperature logger on robot AT-0517 reported 26.4 C in zone C
for 14 minutes. Our products there are labelled 15 to 25 C. Is the logger on
the robot calibrated, and is the value taken inside the tote or at the robot
body? QA must decide today whether to quarantine 38 totes.

Marc""", "plain", None),
    ("cobaltpharma", "2025-08-17 11:45", "out", "camille", ["priya"],
     "Grasp Planner 2.0 roll-out plan for Basel",
     """Dear Marc,

here is the plan for Grasp Planner 2.0 on your two Pallas cells:

- 8 September: install on cell 1 in shadow mode (it computes grasps, the old
  planner still executes).
- 15 September: compare the two on 5,000 picks; share the report with QA.
- 22 September: switch cell 1, if QA agrees; cell 2 one week later.

Lab results on your SKU set: 97.1% first-attempt success against 92.8% today.

Best regards,
Camille Durand""", "plain", None),
    ("cobaltpharma", "2025-11-13 10:10", "in", "luca", ["camille"],
     "Third Pallas cell for the cold room?",
     """Luca,

after the results of cell 1 and 2, we would like to discuss a third Pallas
cell, this time inside the 2-8 C cold room. Is the arm rated for that
temperature, and how does condensation affect the cameras when totes come in
from the warm area?

Marc""", "plain", None),

    ("draytonparts", "2024-12-07 12:00", "in", "sofia", [],
     "Lift blocked errors after firmware update",
     """Hi,

after the 3.4 update, robots AT-0301 and AT-0307 show "lift blocked" about
twice per shift even when nothing is on them. Operators clear it, and it
comes back. Is this known? We are at 14,000 picks a day and every stop costs
us.

Angela Ruiz, VP Supply Chain, Drayton Parts""", "plain", None),
    ("draytonparts", "2025-03-05 16:44", "out", "jose", ["grace"],
     "Forklift coexistence: feedback on your request",
     """Hi Angela,

thanks for walking us through the forklift crossings in aisles 12 to 16.
Product has logged your request as FR-188: robots yield to forklifts detected
by your ceiling cameras, before the scanners see them. Grace Kim will run a
discovery session with your safety manager on 20 March.

In the meantime, we suggest timed zone locks on the crossings during the two
replenishment windows (05:30 to 06:15 and 13:30 to 14:15).

Best,
José""", "plain", None),
    ("draytonparts", "2025-06-01 09:08", "in", "jose", [],
     "Invoice NWR-INV-2025-0442 looks wrong",
     """José,

invoice 2025-0442 bills 20 Hermes licences for May, but we only run 18 robots.
Two robots were returned for refurbishment in April and never came back.
Please correct and re-issue before we pay.

Thanks,
Angela""", "plain", None),
    ("draytonparts", "2025-08-28 14:37", "out", "sam", ["jose"],
     "Credit note for invoice 2025-0442",
     """Dear Ms Ruiz,

you are right: the two refurbished robots were billed although they were
still in our Boston workshop. We have issued credit note NWR-CN-2025-0031
for 2 licences x 3 months (May to July), 1,560 USD, and corrected the August
invoice. Both documents are in the customer portal.

Our apologies for the error,
Sam Whitfield, CFO, Northwind Robotics""", "alt", None),

    ("everline", "2024-12-18 10:26", "in", "francois", [],
     "Visite du site de Saint-Priest — planning janvier",
     """Bonjour François,

pour préparer l'extension à la zone retours, nous vous proposons une visite
le mardi 14 janvier à 9h30. Merci de venir avec votre intégrateur Pallas et
quelqu'un qui connaît bien la configuration Hermes de notre site.

Prévoyez des chaussures de sécurité ; le parking visiteurs est derrière le
bâtiment B.

Cordialement,
Claire Martin, Responsable logistique, Everline Retail""", "plain", None),
    ("everline", "2025-03-16 17:55", "out", "francois", ["camille", "lena"],
     "Compte rendu de la visite du 14 janvier et prochaines étapes",
     """Bonjour Claire,

merci encore pour l'accueil. Comme convenu :

1. Nous ajoutons 6 robots Atlas pour la zone retours (livraison le 2 juin).
2. La cellule Pallas est déplacée de 12 mètres vers l'entrée du tri, pour
   raccourcir les trajets des robots.
3. Camille Durand prépare un test de préhension sur vos 40 références de
   vêtements pliés sous film.

Nous vous enverrons le devis d'ici fin mars.

Bien cordialement,
François Lefèvre""", "plain", None),
    ("everline", "2025-06-12 08:40", "in", "lena", [],
     "Robots stuck behind the returns conveyor",
     """Hello Lena,

since the returns area opened on 2 June, robots regularly wait behind the new
conveyor end for 3 to 4 minutes. It looks like they consider the conveyor's
light curtain an obstacle. Could somebody adjust the map?

Claire""", "plain", None),
    ("everline", "2025-09-08 13:15", "out", "lena", ["francois"],
     "Quarterly business review Q3 — Everline Retail",
     """Hello Claire,

please find below the highlights for Q3 ahead of our review on 18 September:

- 612,400 missions completed (+22% vs Q2), 99.96% without intervention.
- Average mission time 3 min 48 s; returns area 4 min 20 s after the map fix.
- Pallas cell: 441,000 picks, 96.8% first attempt.
- Two support tickets, both resolved within SLA.

The detailed figures are attached.

Lena""", "attach",
     ("everline-q3-2025-kpis.csv", "text/csv",
      "month,missions,interventions,avg_mission_s,pallas_picks,first_attempt_pct\n"
      "2025-07,198200,9,231,142300,96.5\n2025-08,196900,7,228,143800,96.9\n"
      "2025-09,217300,8,226,154900,97.0\n")),

    ("fjordfreight", "2024-12-29 22:18", "in", "sofia", ["lena"],
     "URGENT: three robots lost in freezer aisle F",
     """Hi,

three Atlas robots (AT-0611, AT-0614, AT-0618) are "lost" in freezer aisle F
and will not relocalize. There is frost on the floor after a door was left
open for an hour. We have 200 pallets to ship by 06:00.

Please call me: +47 912 34 567.

Erik Nilsen, Warehouse Manager, Fjord Freight""", "plain", None),
    ("fjordfreight", "2025-03-27 11:00", "out", "aiko", ["lena"],
     "Fiducials for the long aisles in the Oslo cold store",
     """Hi Erik,

after the December night in aisle F, we analysed the scans: frost on the
floor and identical rack uprights over 90 m make the scan matching ambiguous.
We recommend AprilTag fiducials every 12 m on the uprights of aisles E to H
(56 tags in total). We will send laminated, freezer-rated tags; your team only
needs to mount them at 400 mm height.

With fiducials, our simulation of your aisle F data shows zero lost events.

Aiko Tanaka, Senior Firmware Engineer""", "plain", None),
    ("fjordfreight", "2025-06-23 07:45", "in", "lena", [],
     "Tags mounted, results after two weeks",
     """Lena,

the tags went up on 6 June. Since then: no lost robots at all in aisles E to H,
even during the defrost cycle on 15 June. The night shift is very happy.

Can we also get tags for the chilled hall (aisles A to D)?

Erik""", "plain", None),
    ("fjordfreight", "2025-12-16 09:33", "out", "lena", ["luca"],
     "God jul and a 2026 planning call",
     """Hi Erik,

before the holidays, a short look back: 2025 was your best year with us,
with 99.94% of missions completed without intervention and no lost-robot
events since June. Thank you for your patience in the winter.

For 2026, we would like to talk about the new cross-dock you mentioned, and
the upgrade path to Atlas Gen 3. Would 14 January work for a call?

God jul,
Lena""", "alt", None),

    ("granitefoods", "2025-01-09 06:55", "in", "grace", [],
     "Shift change congestion is getting worse",
     """Grace,

at every shift change (06:00, 14:00, 22:00) we see 30+ robots heading to the
same three charging docks by the loading area, while outbound missions wait.
Average mission latency was over 4 minutes on the 22:00 change yesterday.

You mentioned a new scheduler last quarter. When can we get it?

Marcus Bell, Director of DC Automation, Granite Foods""", "plain", None),
    ("granitefoods", "2025-03-12 11:48", "in", "sofia", ["maya"],
     "All robots stopped: Hermes not responding",
     """Sofia,

since about 10:15 Central all 46 robots in Chicago are idle and the Hermes
console shows "unable to load missions". We switched to manual picking. This
is the middle of our morning wave. I need an ETA and a call with someone who
knows what is going on.

Marcus""", "plain", None),
    ("granitefoods", "2025-03-14 09:00", "out", "maya", ["daniel", "grace"],
     "Wednesday's Hermes incident: what happened and what we are changing",
     """Dear Marcus,

I want to apologise personally for Wednesday. Hermes was unavailable in the US
region for 2 hours and 7 minutes, and your Chicago site lost most of its
morning wave. That is not acceptable for a system you run your business on.

Daniel Reyes will walk your team through the full incident report on Monday.
The short version: a failover between our database servers did not complete
cleanly, and our services kept trying to write to the old server.

We are crediting 100% of your March Hermes fees, and the fixes are scheduled
for Hermes 2025.7, including a mode in which robots finish their current
missions even when the cloud is unreachable.

Maya Okafor, CEO""", "plain", None),
    ("granitefoods", "2025-07-04 10:20", "out", "jose", [],
     "Happy Fourth, and the Q2 numbers",
     """Hi Marcus,

happy Fourth of July to you and the team. A quick note before the long
weekend: Q2 was your strongest quarter since go-live, with 3.1 million
missions and average latency at shift change down to 2 min 30 s with the new
scheduler. No unplanned downtime in the quarter.

Talk after the holiday about the mezzanine expansion?

José""", "alt", None),
    ("granitefoods", "2025-09-30 15:15", "in", "jose", ["sam"],
     "Mezzanine expansion: PO issued",
     """José,

our purchase order 4500-22871 for 12 additional Atlas robots and the
mezzanine commissioning is attached. Delivery window 10 to 21 November,
go-live before 1 December please, as agreed. Invoicing to our AP portal only.

Marcus""", "attach",
     ("PO-4500-22871.txt", "text/plain",
      "Granite Foods Inc. Purchase Order 4500-22871\nVendor: Northwind Robotics Inc.\n"
      "Line 1: Atlas AMR Gen 2 x12 at 38,500 USD = 462,000 USD\n"
      "Line 2: Commissioning mezzanine = 36,000 USD\nLine 3: Hermes Enterprise licences x12, 12 months\n"
      "Delivery: Chicago DC, 2025-11-10 to 2025-11-21\n")),

    ("harborhome", "2025-01-20 17:02", "in", "aiko", ["lena"],
     "Ghost obstacles on the new epoxy floor",
     """Hi Aiko,

thanks for the call. As discussed, since the floor in zones 3 and 4 was
re-coated with high-gloss epoxy, robots brake for obstacles that are not
there, mostly under the skylights in the afternoon. We logged 212 such stops
last week.

Happy to test the beta filter you mentioned on a few robots.

Nina Patel, Senior Manager, Fulfilment Engineering, Harbor Home""", "plain", None),
    ("harborhome", "2025-04-18 08:50", "out", "aiko", [],
     "Reflectivity filter: results of the Seattle beta",
     """Hi Nina,

results from 10 robots with the reflectivity filter over three weeks:
phantom stops dropped from 30 per robot per week to 1.2. We did not see any
missed real obstacles in the 1,840 test passes with our dummy pallet.

We will enable it for your whole fleet with firmware 3.7.1 next Tuesday
unless you object.

Aiko""", "plain", None),
    ("harborhome", "2025-10-11 12:30", "in", "sofia", [],
     "Request: access for our new shift supervisors",
     """Hello,

we have four new shift supervisors starting on Monday (Darnell Brooks,
Kim Nguyen, Rosa Jiménez, Tyler Hart). Could you create Hermes accounts with
the shift supervisor role? They will log in through our Okta once SSO is set
up, but we need access before that.

Thank you,
Nina""", "plain", None),
    ("harborhome", "2026-01-07 09:41", "out", "lena", ["jose"],
     "Peak season recap for Harbor Home",
     """Hi Nina,

now that peak is behind us, a short recap: your 22 robots completed 1.46
million missions between Black Friday and 31 December, with a record of
31,200 on 1 December. Interventions per 1,000 missions fell from 0.9 to 0.4
compared with peak 2024.

We would like to use these numbers in a short case study for our website,
with your approval. Would you be open to that?

Lena""", "alt", None),

    ("kessler", "2025-04-01 07:30", "out", "luca", ["noah", "zoe"],
     "Willkommen bei Northwind — Projektstart Augsburg",
     """Sehr geehrter Herr Brandl,

herzlich willkommen als Kunde von Northwind Robotics. Wie besprochen beginnt
die Inbetriebnahme der zehn Atlas-Roboter in Ihrem Lager in Augsburg am
5. Mai. Noah Schreiber leitet die Vermessung und ist ab dann Ihr
Ansprechpartner vor Ort.

Für die Schulung Ihrer Schichtleiter schlagen wir den 19. und 20. Mai vor,
jeweils von 8 bis 12 Uhr.

Mit freundlichen Grüßen
Luca Bianchi, Sales Director EMEA""", "plain", None),
    ("kessler", "2025-07-22 14:12", "in", "noah", [],
     "Kistenstapel kippen in der Kurve bei Gang 7",
     """Hallo Herr Schreiber,

zweimal diese Woche sind volle Getränkekisten (6 x 0,7 l Glas) in der Kurve
bei Gang 7 vom Roboter gefallen. Niemand wurde verletzt, aber das darf nicht
passieren. Können Sie die Geschwindigkeit in dieser Kurve reduzieren?

Gruß
Stefan Brandl, Leiter Logistik, Kessler Getränke""", "plain", None),
    ("kessler", "2025-07-23 09:05", "out", "noah", ["priya"],
     "AW: Kistenstapel kippen in der Kurve bei Gang 7",
     """Hallo Herr Brandl,

danke für die schnelle Meldung. Ab heute gilt in der Kurve bei Gang 7 eine
Geschwindigkeitszone mit 0,6 m/s und einer sanfteren Beschleunigung. Zusätzlich
empfehlen wir für Glasflaschen Kisten mit Stapelrand; die Firma liefert sie
innerhalb von zwei Wochen.

Wir beobachten die Kurve eine Woche lang über Hermes und melden uns am
30. Juli mit den Daten.

Viele Grüße
Noah Schreiber""", "plain", None),
]


ZONES = {"Boston": "America/New_York", "Munich": "Europe/Berlin", "Lyon": "Europe/Paris",
         "Rotterdam": "Europe/Amsterdam", "Leeds": "Europe/London", "Basel": "Europe/Zurich",
         "Detroit": "America/Detroit", "Saint-Priest": "Europe/Paris", "Oslo": "Europe/Oslo",
         "Chicago": "America/Chicago", "Seattle": "America/Los_Angeles", "Augsburg": "Europe/Berlin"}


def local_tz(city, fallback_hours):
    """The city's time zone with daylight saving time; a fixed offset without tzdata."""
    try:
        from zoneinfo import ZoneInfo
        return ZoneInfo(ZONES[city])
    except Exception:
        return timezone(timedelta(hours=fallback_hours))


def make_eml(idx, e):
    slug, when, direction, person, cc, subject, body, kind, attachment = e
    c = cust(slug)
    if direction == "out":
        office = PEOPLE[person][3]
        tz = local_tz(office, -5 if office == "Boston" else 1)
    else:
        tz = local_tz(c[2], c[11])
    dt = datetime.strptime(when, "%Y-%m-%d %H:%M").replace(tzinfo=tz)
    if direction == "in":
        sender, to, domain = cust_addr(slug), addr(person), c[1]
    else:
        sender, to, domain = addr(person), cust_addr(slug), DOMAIN
    msgid = "<%s.%04d.%s@%s>" % (dt.strftime("%Y%m%d%H%M"), 1000 + idx * 37, slug, domain)
    headers = [
        ("From", sender),
        ("To", to),
    ]
    if cc:
        headers.append(("Cc", ", ".join(addr(k) for k in cc)))
    from email.header import Header
    subj = subject if all(ord(ch) < 128 for ch in subject) else Header(subject, "utf-8").encode()
    headers += [("Subject", subj), ("Date", format_datetime(dt)), ("Message-ID", msgid)]
    if subject.startswith(("Re:", "AW:")):
        headers.append(("In-Reply-To", "<thread.%s.%s@%s>" % (slug, dt.strftime("%Y%m"), c[1])))
    headers.append(("MIME-Version", "1.0"))
    boundary = "=_nwr_%s_%03d" % (dt.strftime("%Y%m%d"), idx)
    text_part = body.strip() + "\n"
    b64 = lambda s: "\n".join(textwrap.wrap(base64.b64encode(s.encode("utf-8")).decode("ascii"), 76))
    lines = ["%s: %s" % h for h in headers]
    if kind == "plain":
        lines += ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit", "",
                  text_part]
    elif kind == "alt":
        paras = "".join("<p>%s</p>\n" % p.replace("&", "&amp;").replace("<", "&lt;").replace(
            ">", "&gt;").replace("\n", "<br>\n") for p in text_part.strip().split("\n\n"))
        html_part = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head>\n"
                     "<body style=\"font-family: Arial, sans-serif; font-size: 14px\">\n%s"
                     "</body></html>\n" % paras)
        lines += ["Content-Type: multipart/alternative; boundary=\"%s\"" % boundary, "",
                  "This is a multi-part message in MIME format.", "",
                  "--%s" % boundary, "Content-Type: text/plain; charset=utf-8",
                  "Content-Transfer-Encoding: 8bit", "", text_part,
                  "--%s" % boundary, "Content-Type: text/html; charset=utf-8",
                  "Content-Transfer-Encoding: 8bit", "", html_part,
                  "--%s--" % boundary, ""]
    else:
        fname, ctype, content = attachment
        lines += ["Content-Type: multipart/mixed; boundary=\"%s\"" % boundary, "",
                  "This is a multi-part message in MIME format.", "",
                  "--%s" % boundary, "Content-Type: text/plain; charset=utf-8",
                  "Content-Transfer-Encoding: 8bit", "", text_part,
                  "--%s" % boundary, "Content-Type: %s; name=\"%s\"" % (ctype, fname),
                  "Content-Disposition: attachment; filename=\"%s\"" % fname,
                  "Content-Transfer-Encoding: base64", "", b64(content),
                  "--%s--" % boundary, ""]
    return dt, "\n".join(lines)


def customers_mail():
    for idx, e in enumerate(EMAILS):
        dt, text = make_eml(idx, e)
        slug = e[0]
        subj_slug = "".join(ch if ch.isalnum() else "-" for ch in e[5].lower()
                            .replace("re: ", "re-").replace("aw: ", "aw-"))
        words, subj_slug = [p for p in subj_slug.split("-") if p], ""
        for w in words:
            if len(subj_slug) + len(w) + 1 > 48:
                break
            subj_slug = (subj_slug + "-" + w).lstrip("-")
        subj_slug = subj_slug.encode("ascii", "ignore").decode("ascii")
        write("customers/%s/%s-%s.eml" % (slug, dt.strftime("%Y-%m-%d"), subj_slug), text)


ACCOUNT_NOTES = {
    "acme-logistics": ("luca", "lena", "Renewal due 2026-05-01; wants one contract for Rotterdam and Venlo "
                       "with volume pricing above 50 robots.", ["Venlo go-live October 2025 (23 robots)",
                       "Canary site for Atlas firmware since 2024"]),
    "bluefin": ("jose", "lena", "Seasonal rental of 8 robots for peak 2025 signed in August.",
                ["Ramp to chiller 3 needs drive-unit checks every quarter"]),
    "cobaltpharma": ("luca", "lena", "GMP-validated Pallas cells; third cell for the 2-8 C cold room "
                     "under discussion.", ["Two-person confirmation for zone N (controlled substances)",
                     "QA requires change control notice 10 working days before remote updates"]),
    "draytonparts": ("jose", "sofia", "Forklift coexistence is the main open topic (FR-188).",
                     ["Credit note NWR-CN-2025-0031 issued for licence billing error"]),
    "everline": ("luca", "lena", "Returns area extension live since June 2025 (6 robots).",
                 ["Communication in French preferred", "Pallas cell moved 12 m in March 2025"]),
    "fjordfreight": ("luca", "lena", "Cold store with AprilTag fiducials in aisles E-H; chilled hall next.",
                     ["Night shift contact: Kari Holm", "Interested in Atlas Gen 3"]),
    "granitefoods": ("jose", "sofia", "Largest fleet; mezzanine expansion of 12 robots ordered September 2025.",
                     ["Affected by the 2025-03-12 Hermes incident; March fees credited",
                      "Invoices only through the AP portal"]),
    "harborhome": ("jose", "lena", "Reflectivity filter enabled fleet-wide; candidate for a case study.",
                   ["SSO with Okta planned for Q1 2026"]),
    "kessler": ("luca", "noah", "Pilot of 10 robots went live in May 2025; glass crates need speed zones.",
                ["German-speaking site; contact prefers phone"]),
}


SALES_DOCS = {}

SALES_DOCS["sales/battlecard-competitors.md"] = """
# Competitive Battlecard: AMR Vendors
Author: Luca Bianchi
Date: 2025-04-28

Internal only. Competitor names are replaced by code names in this demo.

## Vendor "Kestrel" (goods-to-person shuttles)

- Strength: very high throughput in dense storage.
- Weakness: fixed infrastructure; a layout change costs months.
- Our angle: Atlas re-maps a changed layout in one day. Ask the prospect
  how often they changed their layout in the last three years.

## Vendor "Meridian" (AMRs, US)

- Strength: large installed base, aggressive pricing (around 29,000 USD per
  robot).
- Weakness: no arm; customers combine with a third-party picking cell and
  integrate two fleet managers.
- Our angle: Atlas plus Pallas under one Hermes; show the Cobalt Pharma
  reference.

## Vendor "Tundra" (forklift AGVs)

- Strength: moves full pallets, which Atlas does not.
- Weakness: needs wide aisles and reflectors; slow.
- Our angle: position Atlas for tote and case flows, and partner rather than
  compete on pallet moves.

## Typical objections

- "Robots-as-a-service is cheaper elsewhere": compare total cost including
  commissioning and support response times.
- "We are afraid of cloud dependency": explain the edge gateway and the
  degraded mode in Hermes 2025.7.
"""

SALES_DOCS["sales/pricing-and-discount-guidelines.md"] = """
# Pricing and Discount Guidelines 2025
Author: Sam Whitfield
Date: 2025-01-06

## List prices

| Item | Price (USD) | Price (EUR) |
|------|-------------|-------------|
| Atlas AMR Gen 2 (purchase) | 38,500 | 35,900 |
| Atlas AMR Gen 2 (RaaS, per month, 36 months) | 1,390 | 1,290 |
| Pallas piece-picking cell | 189,000 | 176,000 |
| Hermes Standard (per robot, per month) | 95 | 89 |
| Hermes Enterprise (per robot, per month) | 140 | 130 |
| Commissioning (per site, up to 20 robots) | 36,000 | 33,500 |
| Premium support (per robot, per year) | 2,400 | 2,250 |

## Discount authority

- Account executive: up to 8%.
- Sales director: up to 15%.
- CFO: up to 22%.
- Above 22%, or any free hardware: CEO.

## Rules

- Never discount Premium support; it pays for the field team.
- Multi-year Hermes commitments may get 5% per year of commitment, up to 15%.
- Pilot pricing (max. 10 robots, 6 months) is 20% off, converted to list
  at the end of the pilot unless a contract is signed.
"""

SALES_DOCS["sales/sales-playbook.md"] = """
# Sales Playbook: From First Call to Go-Live
Author: José Peña
Date: 2025-02-10

## Qualify

We win in warehouses with 10,000+ order lines a day, tote or case flows,
labour shortage, and a WMS that can send tasks by API. We lose when the
flow is full pallets only or when the building has many slopes above 5%.

## Discovery (2 to 4 weeks)

- Site visit with a solutions engineer; measure aisle widths and floor
  quality; photograph the docks.
- Get 4 weeks of WMS order data to simulate the fleet size.

## Simulation and proposal

The solutions team simulates the flows in Hermes' offline simulator and
sizes the fleet. A proposal includes the simulation report, the price, and
a go-live plan.

## Pilot or direct purchase

Pilots run 3 to 6 months with up to 10 robots. 7 of our 9 pilots since
2023 converted to a full contract.

## Hand-over to Customer Success

At signature, the account executive books a kick-off with the Customer
Success manager and the field service lead. The CRM opportunity is only
closed-won when the kick-off date is set.
"""

SALES_TXT = {}
SALES_TXT["sales/call-notes/2025-02-19-venlo-discovery.txt"] = """
Call notes — Acme Logistics Venlo discovery, 19 Feb 2025
Date: 2025-02-19
Attendees: Hanna de Vries, Femke Bakker (procurement), Pieter Jansen (IT);
Luca Bianchi, Lena Fischer (Northwind)

- Venlo: 38k m2, mezzanine with 2 lifts. They want robots on both levels.
  Lifts are KONE -> elevator integration since fw 3.5, OK.
- Peak: 9,000 totes/hour in Nov. Simulation needed with their Q4 2024 data;
  Pieter sends an export by Friday.
- Competitor in the race: "Meridian". Femke hinted their price is ~15% lower.
- Decision by end of March; go-live must be before 1 October.
- Next: simulation (Ben + solutions), proposal draft 26 Feb, Luca to check
  discount approval with Sam for up to 15%.
"""
SALES_TXT["sales/call-notes/2025-05-07-kessler-kickoff.txt"] = """
Kickoff call Kessler Getränke (Augsburg) — 7. Mai 2025
Date: 2025-05-07
Notes by Noah Schreiber, in English for the team

People: Stefan Brandl (Leiter Logistik), Andrea Maier (IT), Luca, Noah
- Site: 11,000 m2, beverage crates, lots of glass. Floor OK but two
  expansion joints in aisle 3 -> survey on 5 May found 9 mm step; they will
  grind it down before go-live.
- WMS is a custom AS/400 system (!). They can write files to SFTP every
  minute; we agreed to use the Hermes file-drop connector for the pilot.
- Wi-Fi: only 2.4 GHz in the back half. Andrea will add 4 APs in 5 GHz.
- Go-live target: 2 June. Pilot success = 1,800 crate moves per shift with
  fewer than 5 interventions.
"""
SALES_TXT["sales/call-notes/2025-10-02-harbor-home-qbr.txt"] = """
Harbor Home QBR, 2 Oct 2025 (José, Lena; Nina Patel + Greg Olsen, CFO)
Date: 2025-10-02
- Greg: happy with the throughput, unhappy with the Hermes price increase
  announced for 2026 (+6%). Asked for a cap at 3% in exchange for 3-year term.
- Nina: filter on epoxy floors solved the phantom stops. Wants SSO by Q1.
- They are looking at a second DC in Tacoma for 2027, 30-40 robots.
- Action: José to model the 3-year offer with Sam; Lena to schedule SSO.
"""
SALES_TXT["sales/call-notes/2025-11-20-granite-mezzanine-golive.txt"] = """
Granite Foods mezzanine go-live check, 20 Nov 2025
Date: 2025-11-20
(José Peña, Noah on site, Marcus Bell by phone)

12 new robots arrived on 12 Nov, all commissioned by 18 Nov.
Mezzanine lift interlock tested 40 times, no faults. One robot (AT-0788)
had a damaged bumper from shipping, swapped from spares. Go-live confirmed
for Monday 24 Nov, two days ahead of plan. Marcus wants a short
thank-you note to his maintenance crew; José will bring Northwind jackets.
"""


def sales():
    for slug, c in CUSTOMERS.items():
        ae, csm, summary, notes = ACCOUNT_NOTES[slug]
        write_json("sales/accounts/%s.json" % slug, {
            "title": "Account: %s" % c[0],
            "author": name(ae),
            "created_at": c[9] + "T09:00:00Z",
            "updated_at": "2025-12-01T12:00:00Z",
            "description": summary,
            "account": {
                "name": c[0], "industry": c[6], "city": c[2], "country": c[3],
                "primary_contact": {"name": c[4], "title": c[5]},
                "account_executive": name(ae), "customer_success": name(csm),
                "customer_since": c[9], "arr_eur": c[10],
            },
            "installed_base": [
                {"product": "Atlas AMR Gen 2", "units": c[7]},
                {"product": "Hermes Enterprise", "units": c[7] + c[8]},
            ] + ([{"product": "Pallas picking cell", "units": c[8]}] if c[8] else []),
            "notes": notes,
        })
    for rel, text in SALES_DOCS.items():
        write(rel, dedent(text))
    for rel, text in SALES_TXT.items():
        write(rel, dedent(text))
    write_json("sales/pipeline-2026-h1.json", {
        "title": "Sales Pipeline, First Half of 2026",
        "author": name("luca"),
        "created_at": "2025-12-15T08:00:00Z",
        "description": "Open opportunities expected to close between January and June 2026, "
                       "reviewed in the weekly sales forecast call.",
        "opportunities": [
            {"account": "Acme Logistics", "name": "Rotterdam + Venlo renewal", "stage": "negotiation",
             "amount_eur": 1380000, "probability": 0.8, "close": "2026-04-15", "owner": name("luca")},
            {"account": "Harbor Home", "name": "Tacoma DC (2027)", "stage": "discovery",
             "amount_eur": 910000, "probability": 0.25, "close": "2026-06-30", "owner": name("jose")},
            {"account": "Cobalt Pharma", "name": "Pallas cold-room cell", "stage": "proposal",
             "amount_eur": 241000, "probability": 0.55, "close": "2026-03-31", "owner": name("luca")},
            {"account": "Nordkap Seafood", "name": "Tromsø cold store pilot", "stage": "qualification",
             "amount_eur": 190000, "probability": 0.2, "close": "2026-05-29", "owner": name("luca")},
            {"account": "Prairie Outfitters", "name": "Denver DC, 30 robots", "stage": "proposal",
             "amount_eur": 1120000, "probability": 0.4, "close": "2026-06-12", "owner": name("jose")},
            {"account": "Kessler Getränke", "name": "Pilot conversion to 24 robots", "stage": "negotiation",
             "amount_eur": 402000, "probability": 0.7, "close": "2026-02-27", "owner": name("luca")},
        ],
    })


# =========================================================================
# Meetings
# =========================================================================

# (topic, discussion, action owner key, action)
LEADERSHIP_ITEMS = [
    ("Q3 2024 results", "Revenue closed at 6.1 M EUR for the quarter, 4% above plan, driven by the "
     "Cobalt Pharma Pallas cell acceptance. Gross margin on hardware is still only 31% because of "
     "drive-unit warranty swaps.", "sam", "Break down warranty cost per production batch for November."),
    ("Hiring plan 2025", "Zoë presented 28 planned hires. Debate on whether field service should grow "
     "before sales; agreed that every new 20-robot site needs half a field engineer.", "zoe",
     "Re-sequence the hiring plan so field service hires land before Q2 go-lives."),
    ("Munich lease", "The landlord offers the second floor of the neighbouring building from April. "
     "Test hall space is our bottleneck, office space is not.", "maya",
     "Negotiate a lease for hall space only; walk away above 14 EUR per square metre."),
    ("Peak season readiness", "Nine customer sites enter peak in the next four weeks. Change freeze from "
     "15 November confirmed. On-call staffing doubled on Black Friday weekend.", "tom",
     "Publish the peak on-call roster by 8 November."),
    ("Board meeting preparation", "The December board meeting will focus on the Gen 3 investment case and "
     "the 2025 budget. Sam wants the Gen 3 BOM target fixed before the board sees it.", "omar",
     "Deliver a Gen 3 BOM estimate with a confidence range by 25 November."),
    ("Customer health", "Lena flagged Fjord Freight as at risk after repeated localization problems in the "
     "cold store. Everline and Harbor Home are healthy; Drayton is neutral.", "aiko",
     "Lead a technical deep-dive on cold-store localization with the customer in January."),
    ("2025 budget", "Final budget: 31.5 M EUR revenue, EBITDA breakeven in Q4 2025. Engineering headcount "
     "grows from 46 to 54. Marketing budget flat at 1.1 M EUR.", "sam",
     "Load the approved budget into the planning tool and share department views."),
    ("Year-end celebrations", "Munich and Lyon celebrate on 12 December, Boston on 13 December. "
     "A video link between the three parties at 18:00 CET.", "zoe", "Book the venues and the video setup."),
    ("Kickoff 2025 themes", "Three themes for the year: reliability of Hermes, Gen 3 on time, and "
     "profitable growth in North America.", "maya", "Send the kickoff memo to all staff this week."),
    ("Pricing review", "Hermes price unchanged since 2023. Proposal: +6% on renewals from 2026, "
     "grandfathering contracts signed before July 2025.", "sam", "Model the churn risk of the increase per account."),
    ("Acme Venlo RFP", "Acme invited three vendors for Venlo. Luca asked for authority to go to 15% "
     "discount; agreed, given the reference value.", "luca", "Submit the proposal by 28 February."),
    ("Policy updates", "The People team's updated family policy and the new on-call compensation rules were "
     "approved; the works council signed the working-time agreement in November.", "zoe",
     "Announce the policy updates at the February all-hands."),
    ("Hermes incident of 12 March", "Two hours of unavailability in the US region; Granite Foods lost its "
     "morning wave. Maya called Marcus Bell the same afternoon. Credits of about 31,000 USD across "
     "four customers.", "daniel", "Present the incident review and the reliability plan on 24 March."),
    ("Reliability plan", "Daniel proposed a reliability budget: 30% of Hermes engineering time for two "
     "quarters, plus an SLO review every month at this meeting.", "daniel",
     "Add the Hermes SLO dashboard to the leadership weekly."),
    ("Gen 3 safety PLC supplier", "Lead time of 16 weeks for the safety PLC threatens the Gen 3 pilot in "
     "Q4. Second source evaluated; 4,000 USD tooling cost.", "omar", "Place a buffer order of 60 units."),
    ("Q1 2025 results", "Revenue 7.0 M EUR, 2% below plan because the Everline expansion slipped to June. "
     "Cash position 18.4 M EUR.", "sam", "Update the rolling forecast with the Everline slip."),
    ("US expansion", "Boston is at capacity with 38 people. Options: a second US service hub in Chicago "
     "near Granite Foods, or more field engineers travelling.", "maya",
     "Bring a Chicago hub business case to the June meeting."),
    ("Chicago service hub decision", "Approved: a small service hub (2 engineers, spare parts stock) in "
     "Chicago from September, serving Granite Foods, Drayton and future Midwest sites.", "sofia",
     "Hire two field engineers for Chicago."),
    ("Employee survey results", "Participation 87%. Strongest scores: mission and colleagues. Weakest: "
     "clarity of career paths in field service (52% favourable).", "zoe",
     "Draft a field service career ladder with Noah and Sofia."),
    ("Half-year review", "H1 revenue 14.6 M EUR, 1% above plan. Hardware margin up to 35% after the "
     "drive-unit supplier change.", "sam", "Prepare the H1 pack for the August board meeting."),
    ("Gen 3 pilot customers", "Fjord Freight and Kessler Getränke volunteered for the Gen 3 pilot. "
     "Kessler's glass crates are a good test of the new acceleration profiles.", "priya",
     "Agree pilot terms and dates with both customers."),
    ("Series C preparation", "Maya and Sam start conversations with existing investors about a Series C "
     "in Q2 2026. Target: 40 M EUR to fund Gen 3 production and the US ramp-up.", "sam",
     "Build the data room index by mid-November."),
    ("Q3 2025 results", "Preliminary revenue 8.3 M EUR, best quarter so far. Granite mezzanine PO signed. Net revenue "
     "retention at 118%.", "sam", "Share the results at the October all-hands."),
    ("2026 planning", "Planning assumptions: 42 M EUR revenue, 150 employees by year-end, Gen 3 shipping "
     "from Q3 2026.", "maya", "Department heads submit draft plans by 7 November."),
    ("Security certification", "Three enterprise prospects require ISO 27001. Hannah estimates nine months "
     "and 120,000 EUR including the auditor.", "hannah", "Start the gap analysis in November."),
]

PRODUCT_ITEMS = [
    ("Hermes dashboard feedback", "Customers like the new latency percentiles but want them per shift, not "
     "per calendar day.", "grace", "Add a shift filter to the dashboard spec."),
    ("Atlas cold-store mode", "Fjord Freight's feedback: heated scanner windows work; acceleration in "
     "freezers is too cautious for their throughput.", "priya", "Test a faster profile at -20 C in the lab."),
    ("Pallas SKU onboarding", "Onboarding a new SKU takes 11 minutes of operator time. Target is 3 minutes "
     "with automatic dimension capture.", "camille", "Prototype a dimension scan at the cell's induction."),
    ("Map Studio usability", "Inês ran five usability tests with site engineers; everyone struggled to "
     "draw no-go zones on curved aisles.", "ines", "Design a freehand zone tool and test it in January."),
    ("Roadmap H1 2025", "Top priorities: scheduler v2, reflectivity filter, audit export, and Pallas "
     "grasp planner 2.0 research.", "grace", "Publish the H1 roadmap to Customer Success."),
    ("Pricing of Pallas", "Sales wants a Pallas-as-a-service option. Finance worries about the residual "
     "value of arms after 36 months.", "priya", "Ask the arm supplier about a buy-back programme."),
    ("Scheduler v2 pilot", "Granite Foods agreed to pilot scheduler v2 from 10 February on half of the "
     "fleet.", "ben", "Define the pilot success metrics with Marcus Bell's team."),
    ("Feature flags", "Customer-specific logic keeps growing; ADR 007 proposes a config service.", "grace",
     "Review ADR 007 with the safety officer."),
    ("Elevator integration demand", "Four prospects in dense city warehouses need elevators; KONE and "
     "Schindler work, Otis does not yet.", "priya", "Scope an Otis integration with their API team."),
    ("Degraded mode requirements", "After the March incident, customers want robots to continue when the "
     "cloud is unreachable. Minimum: finish running missions, park safely, queue telemetry.", "grace",
     "Write the requirements for the degraded mode by 4 April."),
    ("Shift supervisor role", "Harbor Home and Granite want supervisors to pause robots without admin "
     "rights.", "grace", "Ship the shift supervisor role in Hermes 2025.2."),
    ("Reflectivity filter results", "First two weeks of the Seattle beta: phantom stops down from 30 to "
     "about 1.5 per robot per week.",
     "aiko", "Prepare the general release for firmware 3.9."),
    ("Gen 3 customer requirements", "Interviews with six customers: the top asks are rear camera, faster "
     "lift, and easier drive-unit swap in the field.", "priya", "Turn the interview notes into the Gen 3 PRD."),
    ("Analytics export", "Customers want to pull Hermes analytics into Power BI. An OData endpoint is the "
     "cheapest path.", "raj", "Estimate the OData endpoint for Q3."),
    ("Localization of the HMI", "Kessler and Everline operators need German and French on the robot HMI "
     "and in the supervisor view.", "ines", "Get translations for the 340 HMI strings."),
    ("Opportunistic charging", "Idle robots could top up for 3 to 5 minutes between missions, which "
     "flattens the dock queue at shift change.", "ben", "Add a per-shift charging policy to Hermes."),
    ("Pallas grasp planner 2.0", "Lab results: 97.3% first attempt on 12,000 picks. Cobalt Pharma ready "
     "for a shadow-mode test.", "camille", "Plan the Basel roll-out with QA."),
    ("Multi-site view", "Acme wants one view for Rotterdam and Venlo. Bluefin asks for the same.", "grace",
     "Design the multi-site view for Hermes 2026.2."),
    ("Gen 3 naming", "Marketing proposed 'Atlas Gen 3' over 'Atlas Pro'. Sales prefers continuity.",
     "priya", "Confirm 'Atlas Gen 3' and update the website plan."),
    ("Product council ranking", "Feature requests ranked: shift handover report, forklift yielding, "
     "multi-site view, Pallas shelf picking.", "grace", "Publish the ranked backlog."),
    ("2026 roadmap draft", "Themes: Gen 3 launch, Hermes multi-site, analytics, and a partner API for "
     "third-party robots.", "grace", "Share the draft roadmap document with leadership."),
]

ENGINEERING_ITEMS = [
    ("CI duration", "Firmware CI takes 48 minutes; most of it is the HIL queue.", "aiko",
     "Split HIL tests into smoke and nightly sets."),
    ("Rust training", "Four firmware engineers finished the internal Rust course; two more in November.",
     "aiko", "Pair each new Rust developer with a reviewer for their first three PRs."),
    ("Peak freeze checklist", "Last code changes to Hermes before freeze: the zone-lock scheduling and the "
     "SAP connector fix.", "tom", "Confirm freeze exceptions list with product."),
    ("PostgreSQL upgrade", "EU region runs PostgreSQL 16.2, US region 16.1. Both need the January minor "
     "release.", "tom", "Schedule the minor upgrades outside peak."),
    ("Telemetry cost", "Telemetry storage cost fell from 14,000 to 5,200 USD a month after the 90-day "
     "retention went live.", "raj", "Report the savings to finance."),
    ("Flaky tests", "23 quarantined tests in Hermes, the oldest from August.", "ben",
     "Fix or delete the ten oldest quarantined tests this sprint."),
    ("Scheduler v2 performance", "The Hungarian solver needs 18 ms for 150 robots; memory stable over a "
     "72-hour soak.", "ben", "Add solver timing to the scheduler dashboard."),
    ("Security keys rollout", "Hardware keys now mandatory for GitHub; 96% of engineers enrolled.",
     "hannah", "Chase the remaining 4% before the deadline."),
    ("Incident review follow-ups", "Action items from the 12 March review: PgBouncer health checks, "
     "failover drill, and alerting on replication lag.", "tom",
     "Run the first failover drill in staging before 4 April."),
    ("Failover drill results", "Staging drill: primary switched in 41 seconds, all services reconnected "
     "in 19 seconds. One service held stale connections for 3 minutes.", "ben",
     "Fix connection recycling in the mission-history service."),
    ("On-call load", "Pages per week down from 14 to 6 since March. Most remaining pages are Wi-Fi "
     "related at customer sites.", "tom", "Route Wi-Fi alerts to field service instead of cloud on-call."),
    ("Gen 3 software bring-up", "Navigation computer boots on Gen 3 EVT boards; safety PLC link works at "
     "the bench.", "aiko", "Run the first drive test in the test hall."),
    ("Map format v2", "NWMap v2 adds elevator and conveyor layers. Pallas converter ready.", "camille",
     "Publish the format spec in the protos repository."),
    ("Build reproducibility", "Firmware images now reproducible bit for bit; signing happens in a separate "
     "pipeline with the HSM.", "hannah", "Document the signing ceremony."),
    ("Observability", "Move from three logging backends to one. Cost estimate 2,100 USD a month.", "raj",
     "Migrate Hermes logs first, robots later."),
    ("Go version upgrade", "Hermes services on Go 1.22; 1.24 brings better PGO.", "ben",
     "Upgrade two services and compare CPU."),
    ("Engineering levels", "Feedback on the level guide: E4 vs E5 unclear for firmware.", "daniel",
     "Add firmware examples to the level guide."),
    ("Test hall capacity", "Test hall booked 94% in June and July; Gen 3 tests compete with customer "
     "reproductions.", "omar", "Reserve Tuesdays for customer reproductions."),
    ("Dependency updates", "Renovate bot opens 40 PRs a week; nobody reviews them.", "ben",
     "Group minor updates weekly and auto-merge patch updates with green CI."),
    ("Hackathon", "Hackathon planned for 2 and 3 October; 11 teams registered so far, four of them "
     "mixed with Customer Success and field service.", "daniel", "Find three judges from outside engineering."),
    ("ISO 27001 engineering scope", "Controls touching engineering: access reviews, change management, "
     "secure development, supplier security.", "hannah", "Map existing practices to Annex A controls."),
    ("Year-end freeze", "Hermes freeze from 15 November; firmware freeze already active.", "tom",
     "Announce freeze exceptions process."),
    ("Postgres connection limits", "US region peaks at 71% of max connections during shift changes.",
     "tom", "Raise pool sizes and add an alert at 80%."),
    ("Retro on Granite mezzanine", "Commissioning went two days faster thanks to the new survey tool.",
     "noah", "Write the survey tool guide for field engineers."),
    ("2026 tech priorities", "Proposal: partner API for third-party robots, Gen 3 production software, "
     "and an edge-first Hermes architecture.", "daniel", "Write the 2026 engineering strategy memo."),
]

# Order in which the items come up, meeting by meeting.
PRODUCT_ORDER = [
    "Hermes dashboard feedback", "Atlas cold-store mode", "Pallas SKU onboarding",
    "Map Studio usability", "Roadmap H1 2025", "Pricing of Pallas",
    "Scheduler v2 pilot", "Shift supervisor role",
    "Feature flags", "Elevator integration demand",
    "Degraded mode requirements", "Reflectivity filter results",
    "Gen 3 customer requirements", "Analytics export", "Localization of the HMI",
    "Opportunistic charging", "Pallas grasp planner 2.0",
    "Multi-site view", "Gen 3 naming",
    "Product council ranking", "2026 roadmap draft"]
ENGINEERING_ORDER = [
    "CI duration", "Rust training", "Peak freeze checklist",
    "PostgreSQL upgrade", "Telemetry cost", "Flaky tests",
    "Scheduler v2 performance", "Security keys rollout",
    "Build reproducibility", "Engineering levels",
    "Incident review follow-ups", "Observability",
    "Failover drill results", "Gen 3 software bring-up",
    "On-call load", "Map format v2", "Go version upgrade",
    "Test hall capacity", "Dependency updates",
    "Hackathon", "Postgres connection limits",
    "Year-end freeze", "ISO 27001 engineering scope", "Retro on Granite mezzanine",
    "2026 tech priorities"]
PRODUCT_ITEMS.sort(key=lambda t: PRODUCT_ORDER.index(t[0]))
ENGINEERING_ITEMS.sort(key=lambda t: ENGINEERING_ORDER.index(t[0]))

MEETING_SERIES = [
    ("leadership", "Leadership Team Meeting", ["maya", "daniel", "sam", "zoe", "luca", "grace", "priya"],
     ["2024-10-07", "2024-11-04", "2024-12-02", "2025-01-13", "2025-02-10", "2025-03-17",
      "2025-04-14", "2025-06-02", "2025-08-04", "2025-10-06"], LEADERSHIP_ITEMS,
     [3, 3, 2, 2, 2, 2, 3, 2, 2, 4]),
    ("product", "Product Council", ["grace", "priya", "camille", "ines", "lena", "sofia", "daniel"],
     ["2024-10-16", "2024-11-20", "2025-01-08", "2025-02-05", "2025-03-26", "2025-05-07",
      "2025-06-18", "2025-08-20", "2025-10-01"], PRODUCT_ITEMS,
     [3, 3, 2, 2, 2, 3, 2, 2, 2]),
    ("engineering", "Engineering Sync", ["daniel", "tom", "aiko", "ben", "raj", "hannah", "omar", "camille"],
     ["2024-10-24", "2024-11-21", "2025-01-16", "2025-02-13", "2025-03-20", "2025-04-17",
      "2025-06-12", "2025-07-17", "2025-09-11", "2025-11-27"], ENGINEERING_ITEMS,
     [3, 3, 2, 2, 2, 2, 3, 2, 2, 4]),
]

NOTE_TAKERS = {"leadership": "zoe", "product": "ines", "engineering": "ben"}

ONE_ON_ONES = [
    ("2024-10-29", "daniel", "tom",
     """- Tom is worried about being the only person who really knows the PostgreSQL setup.
- Agreed: Ben shadows him on the next two maintenance windows.
- Tom wants to speak at SREcon EMEA next year; Daniel supports, learning budget.
- Career: talk about the staff engineer path in January."""),
    ("2025-01-21", "zoe", "elif",
     """- Time to offer for engineering roles is 34 days, worse than the target.
- Bottleneck is panel scheduling in Munich. Elif will try fixed panel slots on Tue/Thu.
- Elif asked about moving to part-time (32 h) from April. Zoë agrees in principle.
- Next: Elif drafts the field service job ad for Chicago."""),
    ("2025-04-24", "grace", "ben",
     """- Ben is tired after the March incident and the scheduler rollout. Took a week off in April, better now.
- He would like to own the degraded-mode design. Grace: yes, with Tom as reviewer.
- Feedback for Ben: great incident comms; design docs could state non-goals more clearly.
- Ben asked about conference budget for GopherCon EU."""),
    ("2025-07-10", "luca", "jose",
     """- Q2: José closed Bluefin rental and Granite mezzanine is close. 112% of quota YTD.
- Struggles with long legal cycles in US enterprise deals (Prairie Outfitters).
- Luca suggests involving Sam early for the payment terms.
- José asks for a solutions engineer in Boston; Luca will raise it in the budget round."""),
    ("2025-11-04", "maya", "daniel",
     """- Reliability: SLO met for seven months in a row, 99.95% in the US region.
- Daniel wants to hire an engineering manager for Hermes so he can focus on Gen 3.
- Concern: firmware team stretched between Gen 2 support and Gen 3 bring-up.
- Maya: take the EM role to the 2026 planning; approve an interim contractor for Gen 2 bugfixes."""),
]


def meetings():
    for kind, title, attendees, dates, items, per in MEETING_SERIES:
        assert len(per) == len(dates) and sum(per) == len(items), kind
        pos = 0
        for n, date in enumerate(dates):
            chunk = items[pos:pos + per[n]]
            pos += per[n]
            present = [a for a in attendees if rng.random() > 0.15]
            absent = [a for a in attendees if a not in present]
            lines = ["# %s, %s" % (title, date), "Author: %s" % name(NOTE_TAKERS[kind]),
                     "Date: %s" % date, "",
                     "Attendees: %s" % ", ".join(name(a) for a in present)]
            if absent:
                lines.append("Apologies: %s" % ", ".join(name(a) for a in absent))
            lines += ["", "## Agenda", ""]
            lines += ["%d. %s" % (i + 1, t[0]) for i, t in enumerate(chunk)]
            for t in chunk:
                lines += ["", "## %s" % t[0], "", t[1]]
            lines += ["", "## Action items", ""]
            due = datetime.strptime(date, "%Y-%m-%d") + timedelta(days=14 + n % 3 * 7)
            for t in chunk:
                lines.append("- [ ] %s: %s (due %s)" % (name(t[2]), t[3], due.strftime("%Y-%m-%d")))
            write("meetings/%s/%s-%s.md" % (kind, date, kind), "\n".join(lines))
    for date, manager, report, notes in ONE_ON_ONES:
        text = "1:1 %s / %s — %s\nDate: %s\nPrivate notes, shared with both.\n\n%s\n" % (
            name(manager), name(report), date, date, notes)
        write("meetings/one-on-ones/%s-%s-%s.txt" % (date, PEOPLE[manager][1].split(".")[0],
                                                      PEOPLE[report][1].split(".")[0]), text)
    write("meetings/all-hands/2025-02-14-all-hands.md", dedent("""
        # All-Hands, 14 February 2025
        Author: Maya Okafor
        Date: 2025-02-14

        Recorded in Munich, streamed to Boston and Lyon. 109 people attended.

        ## Company update

        2024 closed at 24.9 M EUR revenue (+41%). We welcomed Kessler Getränke as
        our first German beverage customer, and Acme invited us to propose for
        their Venlo site. Headcount is 118.

        ## People updates

        Zoë presented the updated family and on-call policies, effective 1 March.
        Details are in the HR folder; questions to the People team.

        ## Engineering

        Daniel showed scheduler v2 results from the Granite Foods pilot: latency at
        shift change down by 38%. Gen 3 EVT boards arrive in April.

        ## Q&A highlights

        - Will we open a Chicago office? "Not an office, maybe a service hub."
        - When do Lyon engineers get the test hall booking tool? In March.
        - Is the Series C happening? "Not before 2026."
        """))
    write("meetings/all-hands/2025-10-10-all-hands.md", dedent("""
        # All-Hands, 10 October 2025
        Author: Maya Okafor
        Date: 2025-10-10

        Hosted from Boston this time; 114 people joined.

        ## Q3 in numbers

        Our best quarter: 8.3 M EUR revenue, 9 customers, 231 robots in the field,
        and seven months in a row meeting the Hermes availability target.

        ## Shout-outs

        - The Lyon team for Grasp Planner 2.0 going live at Cobalt Pharma.
        - Noah and the field team for commissioning Kessler in record time.
        - Hackathon winners (voice interface for supervisors): Raj, Inês, Kwame.

        ## What's next

        Gen 3 pilots with Fjord Freight and Kessler in Q1 2026, the Chicago service
        hub opening in November, and 2026 planning in full swing.
        """))


# =========================================================================
# Website
# =========================================================================

SITE_STYLE = """
  :root { --brand: #0b3d5c; --accent: #f2a900; }
  body { font-family: "Inter", system-ui, sans-serif; margin: 0; color: #1d2733; }
  .site-nav { display: flex; gap: 1.5rem; padding: 1rem 2rem; background: var(--brand); }
  .site-nav a { color: #fff; text-decoration: none; }
  .cookie-banner-consentManager { position: fixed; bottom: 0; }
  main { max-width: 62rem; margin: 2rem auto; padding: 0 1rem; }
  footer { font-size: .8rem; background: #eef2f5; padding: 2rem; }
"""

SITE_SCRIPT = """
  window.dataLayer = window.dataLayer || [];
  function trackingPixel(evt) {
    var img = new Image();
    img.src = "https://telemetry.northwind-robotics.example/px.gif?e=" + encodeURIComponent(evt);
  }
  document.addEventListener("DOMContentLoaded", function () {
    trackingPixel("pageview");
    var consentManagerWidget = document.querySelector(".cookie-banner-consentManager");
    if (consentManagerWidget && localStorage.getItem("nwrConsentAccepted")) {
      consentManagerWidget.hidden = true;
    }
  });
"""

SITE_NAV = """
  <nav class="site-nav" aria-label="Main navigation">
    <a href="{root}index.html">Home</a>
    <a href="{root}products/atlas.html">Megamenu Products</a>
    <a href="{root}customers/granitefoods.html">Stories</a>
    <a href="{root}blog/index.html">Blog</a>
    <a href="{root}careers.html">Careers</a>
    <a href="{root}contact.html">Contact sales</a>
    <span class="nav-language-switcher">EN | DE | FR</span>
  </nav>
"""

SITE_FOOTER = """
  <footer>
    <p>&copy; 2025 Northwind Robotics Inc. &middot; Boston &middot; München &middot; Lyon</p>
    <p><a href="{root}privacy.html">Privacy</a> &middot; <a href="{root}security.html">Security</a>
       &middot; footerSitemapLink &middot; <a href="#" onclick="trackingPixel('footer')">Cookie settings</a></p>
    <div class="cookie-banner-consentManager">We use cookies. <button>Accept all</button></div>
  </footer>
"""

# path: (title, description, main html)
SITE_PAGES = {
    "index.html": ("Northwind Robotics | Warehouse robots that work with your team",
        "Autonomous mobile robots, picking arms and fleet software for warehouses.", """
    <h1>Warehouse robots that work with your team</h1>
    <p>Northwind Robotics builds the Atlas autonomous mobile robot, the Pallas
    picking arm and Hermes, the software that runs them together. Nine companies
    in six countries move more than 10 million totes a month with us.</p>
    <section>
      <h2>Why Northwind</h2>
      <ul>
        <li>Live in weeks: a typical 20-robot site goes live in three weeks.</li>
        <li>No fixed infrastructure: no reflectors, no rails, no floor tape.</li>
        <li>One system: robots and arms planned by one fleet manager.</li>
      </ul>
    </section>
    <section><h2>Trusted by</h2>
      <p>Granite Foods, Cobalt Pharma, Acme Logistics, Fjord Freight, Everline Retail and more.</p>
    </section>"""),
    "about.html": ("About Northwind Robotics", "Our story, team and offices.", """
    <h1>About us</h1>
    <p>Northwind Robotics was founded in 2019 by Maya Okafor and Daniel Reyes, who
    met while automating a parcel hub in Leipzig. They started the company in a
    Boston garage with one robot and a borrowed forklift.</p>
    <p>Today we are about 120 people in three offices: Boston (headquarters,
    Hermes and sales), Munich (Atlas engineering and the test hall) and Lyon
    (Pallas arm and European customer support).</p>
    <h2>Our values</h2>
    <ul><li>Safety before speed</li><li>Say what we know, and what we don't</li>
    <li>Build for the night shift</li></ul>
    <h2>Investors</h2>
    <p>Backed by Harbourline Ventures, Alpenfonds and Crestmoor Capital (Series B, 2023).</p>"""),
    "careers.html": ("Careers at Northwind Robotics", "Open roles in Boston, Munich, Lyon and Chicago.", """
    <h1>Build robots people like working with</h1>
    <p>We hire engineers, field service technicians and customer-facing people who
    enjoy solving problems on real warehouse floors.</p>
    <h2>Open roles</h2>
    <ul>
      <li>Field Service Engineer, Chicago (85,000 to 105,000 USD)</li>
      <li>Senior Embedded Rust Engineer, Munich (78,000 to 96,000 EUR)</li>
      <li>Engineering Manager, Hermes, Boston (170,000 to 205,000 USD)</li>
      <li>Ingénieur(e) vision, Pallas, Lyon (52 000 à 68 000 EUR)</li>
    </ul>
    <h2>Benefits</h2>
    <p>Generous family policies, a learning budget, hybrid work where the role
    allows, and a robot test hall that is genuinely fun.</p>"""),
    "contact.html": ("Contact Northwind Robotics", "Talk to sales or support.", """
    <h1>Contact us</h1>
    <h2>Sales</h2>
    <p>North America: +1 617 555 0142, sales-us@northwind-robotics.example<br>
    Europe: +49 89 5550 1870, sales-eu@northwind-robotics.example</p>
    <h2>Support for customers</h2>
    <p>24/7 hotline for Premium support customers: +1 617 555 0199 and
    +49 89 5550 1899. Portal: support.northwind-robotics.example</p>
    <h2>Offices</h2>
    <p>120 Seaport Blvd, Boston, MA 02210, USA &middot; Atelierstraße 7, 81671 München
    &middot; 14 rue de la Part-Dieu, 69003 Lyon</p>"""),
    "security.html": ("Security at Northwind Robotics", "How we protect robots, data and sites.", """
    <h1>Security and trust</h1>
    <p>Robots on your floor and software in the cloud both need protecting. Our
    security programme covers signed firmware, encrypted robot-to-cloud
    communication, and regular third-party penetration tests of Hermes.</p>
    <ul>
      <li>Firmware images are signed with keys held in a hardware security module.</li>
      <li>Robots connect outbound only, over TLS 1.3, on port 443.</li>
      <li>Customer data is hosted in Frankfurt or Virginia, at your choice.</li>
      <li>ISO 27001 certification is in progress, with the audit planned for 2026.</li>
    </ul>
    <p>Download our security whitepaper or write to security@northwind-robotics.example.
    We run a coordinated disclosure programme for researchers.</p>"""),
    "privacy.html": ("Privacy Notice", "How Northwind Robotics processes personal data.", """
    <h1>Privacy notice</h1>
    <p>This notice explains how Northwind Robotics Inc. and Northwind Robotics GmbH
    process personal data of website visitors, customer users and job applicants.</p>
    <h2>Operator data on robots</h2>
    <p>Robots record badge IDs of operators who confirm missions. These IDs are
    pseudonymised on the robot before telemetry leaves the site and raw telemetry
    is deleted after 90 days.</p>
    <h2>Your rights</h2>
    <p>You can ask for access, correction or deletion at privacy@northwind-robotics.example.
    Our data protection officer is reachable at the Munich address.</p>"""),
    "products/atlas.html": ("Atlas AMR | Autonomous mobile robot for totes and cases",
        "Atlas moves totes, bins and cases through your warehouse.", """
    <h1>Atlas AMR</h1>
    <p>Atlas is an autonomous mobile robot that carries up to 600 kg of totes,
    bins or cases through narrow aisles, in freezers and between floors.</p>
    <ul>
      <li>Up to 1.8 m/s, with speed zones you draw on the map</li>
      <li>Runs a full shift on one charge and tops up automatically at the dock</li>
      <li>Works from -25 C to +40 C</li>
      <li>Certified to ISO 3691-4</li>
    </ul>
    <p>Ask your sales contact for the full product specification.</p>"""),
    "products/hermes.html": ("Hermes | Fleet management for warehouse robots",
        "One system to plan and monitor robots and arms.", """
    <h1>Hermes fleet management</h1>
    <p>Hermes connects to your WMS, turns tasks into robot missions, and keeps
    traffic flowing with aisle reservations and smart charging.</p>
    <ul>
      <li>Connectors for SAP EWM, Manhattan and Blue Yonder</li>
      <li>Live map with every robot, arm, zone and dock</li>
      <li>Degraded mode: robots keep working if the internet link drops</li>
      <li>Hosted in the EU or the US</li>
    </ul>"""),
    "products/pallas.html": ("Pallas | Robotic piece picking", "A picking cell fed by Atlas robots.", """
    <h1>Pallas robotic arm</h1>
    <p>Pallas picks individual items from totes delivered by Atlas, at up to 650
    picks per hour, with a suction and finger gripper and a vision system trained
    on more than 40,000 images of real warehouse items.</p>
    <p>Designed and integrated in Lyon. Validated for GMP environments at a Swiss
    pharmaceutical distributor.</p>"""),
    "customers/granitefoods.html": ("Granite Foods | Customer story", "46 robots in Chicago.", """
    <h1>Granite Foods: 46 robots, three shifts, one control room</h1>
    <p>Granite Foods supplies 2,300 restaurants from its Chicago distribution
    centre. Since 2023, Atlas robots move cases between reserve storage and
    the pick lines, 24 hours a day.</p>
    <blockquote>"Shift change used to be chaos. Now the robots plan it for us."
    <cite>Marcus Bell, Director of DC Automation</cite></blockquote>
    <p>Results: 38% lower mission latency at shift change, and 3.1 million
    missions in Q2 2025.</p>"""),
    "customers/cobaltpharma.html": ("Cobalt Pharma | Customer story", "GMP-validated piece picking in Basel.", """
    <h1>Cobalt Pharma: validated robotic picking for medicines</h1>
    <p>Cobalt Pharma distributes medicines to 1,800 Swiss pharmacies. Two Pallas
    cells fed by 12 Atlas robots pick 97% of items on the first attempt, with a
    complete audit trail for GMP Annex 11.</p>
    <blockquote>"Validation was the hard part, and Northwind did it with us."
    <cite>Marc Keller, Head of Distribution Engineering</cite></blockquote>"""),
    "customers/fjordfreight.html": ("Fjord Freight | Customer story", "Robots in a -25 C cold store.", """
    <h1>Fjord Freight: robots at minus 25 degrees</h1>
    <p>In Fjord Freight's Oslo cold store, 14 Atlas robots work in aisles 90
    metres long. With heated scanner windows and fiducial markers, they have run
    since June 2025 without a single lost-robot event.</p>"""),
    "blog/index.html": ("Northwind Robotics Blog", "News and engineering stories.", """
    <h1>Blog</h1>
    <p>Updated <time datetime="2025-09-05">5 September 2025</time></p>
    <ul>
      <li><a href="2025-02-scheduler-v2.html">How we cut shift-change congestion by 38%</a></li>
      <li><a href="2025-06-cold-store.html">Lessons from robots in freezers</a></li>
      <li><a href="2025-09-logimat-recap.html">What we learned at three trade fairs</a></li>
    </ul>"""),
    "blog/2025-02-scheduler-v2.html": ("How we cut shift-change congestion by 38%",
        "Engineering blog: batched assignment in Hermes.", """
    <h1>How we cut shift-change congestion by 38%</h1>
    <p class="byline">By Ben Adeyemi, <time datetime="2025-02-27">27 February 2025</time></p>
    <p>Assigning each mission to the nearest idle robot is simple and works well
    until 30 robots finish their missions at the same minute. Our new scheduler
    looks at all open missions and soon-to-be-idle robots every two seconds and
    solves the assignment as a whole.</p>
    <p>The math is old (Kuhn published the Hungarian method in 1955). What made it
    work was predicting when a robot becomes idle, and treating charging docks
    like scarce aisles.</p>"""),
    "blog/2025-06-cold-store.html": ("Lessons from robots in freezers",
        "What -25 C does to lasers, wheels and people.", """
    <h1>Lessons from robots in freezers</h1>
    <p class="byline">By Aiko Tanaka, <time datetime="2025-06-19">19 June 2025</time></p>
    <p>Frost on the floor changes wheel slip, condensation fogs scanner windows
    when a robot leaves the freezer, and long identical aisles make every laser
    scan look the same. We fixed the first with traction control, the second
    with heated windows, and the third with printed markers on rack uprights.</p>
    <p>The most important lesson: ask the night shift. They knew which door
    was always left open.</p>"""),
    "blog/2025-09-logimat-recap.html": ("What we learned at three trade fairs",
        "Notes from LogiMAT, ProMat and SITL.", """
    <h1>What we learned at three trade fairs</h1>
    <p class="byline">By Luca Bianchi, <time datetime="2025-09-05">5 September 2025</time></p>
    <p>This year we exhibited at LogiMAT in Stuttgart, ProMat in Chicago and SITL
    in Paris. Visitors asked less about robot speed and much more about
    integration effort, uptime guarantees and what happens when the Wi-Fi fails.</p>
    <p>Our demo of Atlas feeding a Pallas cell ran 2,940 picks over three days in
    Stuttgart without a single intervention.</p>"""),
}


# The date each page states: the last revision of a page ("date" meta tag),
# the publication of an article (article:published_time, and the byline's
# <time>). The blog index has only the <time> of its last update.
SITE_DATES = {
    "index.html": ("date", "2025-10-01"),
    "about.html": ("date", "2025-03-04"),
    "careers.html": ("date", "2025-11-10"),
    "contact.html": ("date", "2025-01-13"),
    "security.html": ("date", "2025-05-26"),
    "privacy.html": ("date", "2024-12-16"),
    "products/atlas.html": ("date", "2025-04-07"),
    "products/hermes.html": ("date", "2025-08-27"),
    "products/pallas.html": ("date", "2025-05-19"),
    "customers/granitefoods.html": ("article", "2025-07-24T14:00:00-05:00"),
    "customers/cobaltpharma.html": ("article", "2025-09-03T10:00:00+02:00"),
    "customers/fjordfreight.html": ("article", "2025-10-20T09:00:00+02:00"),
    "blog/2025-02-scheduler-v2.html": ("article", "2025-02-27T09:00:00-05:00"),
    "blog/2025-06-cold-store.html": ("article", "2025-06-19T09:00:00+02:00"),
    "blog/2025-09-logimat-recap.html": ("article", "2025-09-05T09:00:00-04:00"),
}


def date_meta(path):
    if path not in SITE_DATES:
        return ""
    kind, value = SITE_DATES[path]
    if kind == "article":
        return '\n  <meta property="article:published_time" content="%s">' % value
    return '\n  <meta name="date" content="%s">' % value


def website():
    for path, (title, desc, body) in SITE_PAGES.items():
        depth = path.count("/")
        root = "../" * depth
        html = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="description" content="{desc}">
  <meta name="author" content="Northwind Robotics Marketing">{date_meta}
  <title>{title}</title>
  <link rel="stylesheet" href="{root}assets/site.css">
  <style>{style}</style>
  <script async src="https://tags.northwind-robotics.example/gtm.js?id=NWR-4471"></script>
  <script>{script}</script>
</head>
<body>
{nav}
  <main>
{body}
  </main>
{footer}
</body>
</html>
""".format(desc=desc, date_meta=date_meta(path), title=title, root=root, style=SITE_STYLE,
           script=SITE_SCRIPT, nav=SITE_NAV.format(root=root), body=body.strip("\n"),
           footer=SITE_FOOTER.format(root=root))
        write("website/" + path, html)


# =========================================================================
# Ops
# =========================================================================

OPS_DOCS = {}

OPS_DOCS["ops/2025-03-12-database-outage-postmortem.md"] = """
# Postmortem: Hermes Cloud Database Outage, 12 March 2025
Author: Tom Lindqvist
Date: 2025-03-19

Status: final. Reviewed by Daniel Reyes, Ben Adeyemi and Hannah Berg on
18 March 2025. Severity: SEV-1. Region: Hermes cloud US (Virginia). This
postmortem is blameless: it describes what the systems and the procedures
allowed, not who made a mistake.

## Summary

On Wednesday 12 March 2025, Hermes cloud in the US region was unavailable
for **2 hours and 7 minutes** (15:12 to 17:19 UTC). A planned failover of
the PostgreSQL primary database did not complete cleanly: the old primary
kept accepting connections for 6 minutes after the new primary was
promoted, and PgBouncer kept routing the mission scheduler's writes to the
old primary. When the old primary was finally fenced, the scheduler and the
mission API could not reconnect to the new primary database because their
connection pools were stuck on stale DNS entries.

During the database outage, robots finished the missions they were running
and then stopped. 4 US customer sites (Granite Foods, Drayton Parts, Harbor
Home and Bluefin's US pilot) with 131 robots were affected; Granite Foods in
Chicago switched to manual picking for its morning wave. No mission data was
lost; 212 missions created during the split-brain minutes had to be
reconciled by hand.

## Impact

- 2 h 7 min outage: full Hermes unavailability in the US region (EU not affected).
- 131 robots idle at 4 sites; about 18,600 missions delayed.
- 212 missions written to the old primary during the split-brain window,
  recovered from its WAL and replayed after validation.
- SLA credits of 31,400 USD; March Hermes fees credited in full to Granite
  Foods.
- Monthly availability for the US region: 99.71% (target 99.9%).

## Timeline (UTC)

| Time | Event |
|------|-------|
| 14:30 | Planned maintenance starts: minor upgrade PostgreSQL 16.1 to 16.6 on replica db-us-2. |
| 15:05 | db-us-2 upgraded and in sync. Operator starts switchover to promote db-us-2. |
| 15:06 | db-us-2 promoted. Fencing of old primary db-us-1 fails silently (API timeout in the cloud provider). |
| 15:06-15:12 | Both database servers accept writes. PgBouncer on 2 of 3 hosts still points to db-us-1. |
| 15:12 | Replication conflict alarms. Scheduler errors spike; operator stops db-us-1 manually. |
| 15:13 | Scheduler and mission API fail to reconnect: pools keep resolving the old primary's address (DNS TTL of 300 s ignored by the driver, cached for the process lifetime). |
| 15:20 | SEV-1 declared, incident channel opened, status page updated. Tom Lindqvist incident commander. |
| 15:41 | First restart of scheduler pods; they crash-loop because migrations lock check times out on the new primary. |
| 16:25 | Root cause of the crash loop found: advisory lock held by an orphaned session from 15:06. |
| 16:38 | Orphaned session terminated; scheduler starts; mission API still failing health checks. |
| 16:55 | Mission API pools recycled by rolling restart; robots reconnect site by site. |
| 17:19 | All 4 sites confirmed working; incident mitigated. |
| 17:19-21:40 | Reconciliation of the 212 split-brain missions with customers. |

## Root cause

Three faults combined:

1. **Fencing without confirmation.** The switchover script promoted the
   replica and sent a stop request to the old primary, but did not wait for
   confirmation that the old primary had stopped. The cloud API timed out
   and the script treated the timeout as success.
2. **PgBouncer configuration drift.** One of three PgBouncer hosts had been
   reconfigured by hand in January and was not managed by Terraform; it
   ignored the updated primary address.
3. **Connection handling in Hermes services.** The Go database driver
   cached the resolved IP address for the lifetime of each pooled
   connection, and pools never recycled connections. Services therefore
   could not follow the new primary without a restart.

The maintenance was done in business hours for the US because the runbook
assumed a switchover takes under a minute with no customer impact.

## What went well

- Robots behaved safely: no collisions, all stopped at safe positions.
- The EU region was unaffected thanks to the regional isolation.
- Customer communication: Customer Success called every affected site
  within 25 minutes; the CEO called Granite Foods the same day.
- WAL archiving meant no mission data was lost.

## What went poorly

- 35 minutes to declare SEV-1 after the first alarms.
- Nobody on call had practised a manual failover in the previous 6 months.
- The status page was updated only twice during the incident.

## Action items

| # | Action | Owner | Due | Status |
|---|--------|-------|-----|--------|
| 1 | Switchover script waits for confirmed fencing of the old primary; abort otherwise | Tom Lindqvist | 2025-03-28 | done |
| 2 | All PgBouncer hosts managed by Terraform; drift detection alert | Tom Lindqvist | 2025-04-04 | done |
| 3 | Connection max lifetime of 5 minutes and DNS re-resolution in all Hermes services | Ben Adeyemi | 2025-04-08 | done (Hermes 2025.7) |
| 4 | Robots continue queued missions in a degraded mode when Hermes is unreachable | Grace Kim | 2025-06-30 | done |
| 5 | Quarterly failover drill in staging and one in production per half-year | Tom Lindqvist | 2025-04-04 | recurring |
| 6 | Database maintenance only in the low-traffic window (02:00 to 05:00 local) | Daniel Reyes | 2025-03-21 | done |
| 7 | Alert on replication lag and on two writable primaries | Raj Mehta | 2025-04-11 | done |
| 8 | SEV-1 declared automatically when mission API error rate > 20% for 3 min | Hannah Berg | 2025-04-18 | done |

## Lessons

The outage lasted two hours although the database itself was healthy again
after six minutes: most of the time went into reconnecting services. A
database failover is a customer-visible event until proven otherwise. We
now treat every primary switchover as a change with a rollback plan, an
incident commander on standby, and a staging rehearsal in the same week.
Progress on the action items of this postmortem is reviewed every month in
the engineering sync until all are closed.
"""

OPS_DOCS["ops/2024-11-05-wi-fi-roaming-acme-rotterdam.md"] = """
# Incident Review: Wi-Fi Roaming Storm at Acme Logistics Rotterdam
Author: Noah Schreiber
Date: 2024-11-08

Severity: SEV-3. Site: Acme Logistics, Rotterdam hall 2.

## What happened

From 2 to 5 November 2024, Atlas robots in hall 2 paused for 5 to 20 seconds
when roaming between two access points. The customer had updated the
access-point firmware, which reset the minimum RSSI for roaming from -70 dBm
to -80 dBm and disabled 802.11r fast roaming.

## Impact

About 1,900 pauses over three days; outbound dock queue up to 70 totes on
the night of 3 November. No missions lost.

## Resolution

Customer IT restored the previous roaming settings on 5 November at 11:00.
We lowered the robots' stop-on-disconnect delay from 5 s to 2 s.

## Follow-up

- Add Wi-Fi roaming settings to the site change checklist we share with
  customers (Lena Fischer).
- Robots report roaming time as telemetry so Hermes alerts on slow roams
  (Aiko Tanaka, firmware 3.6).
"""

OPS_DOCS["ops/2025-01-22-hermes-certificate-expiry.md"] = """
# Incident Review: Mission Queue Stuck After Certificate Expiry
Author: Ben Adeyemi
Date: 2025-01-24

Severity: SEV-2. Region: EU. Duration: 47 minutes.

## What happened

The TLS client certificate used by the SAP EWM connector for Acme Logistics
and Everline Retail expired at 00:00 UTC on 22 January. New warehouse tasks
were rejected; robots worked through the existing queue and then idled.

## Detection

The night shift at Everline called support at 00:41. Our monitoring did not
alert because the connector reported itself as healthy: it was running, just
not receiving tasks.

## Resolution

Certificate renewed and connector restarted at 00:47 UTC. All queued tasks
were delivered by 00:55.

## Action items

- Certificate expiry alerts 30, 14 and 3 days ahead for every connector
  (done, 2025-01-31).
- Connector health check includes "tasks received in the last 10 minutes"
  during shift hours (done, Hermes 2025.4).
- Move connector certificates to automatic renewal (Q2 2025).
"""

OPS_DOCS["ops/2025-05-30-charging-dock-overheating-granite.md"] = """
# Incident Review: Charging Dock Overheating at Granite Foods
Author: Omar Haddad
Date: 2025-06-04

Severity: SEV-2 (safety relevant). Site: Granite Foods, Chicago.

## What happened

On 30 May 2025 at 13:52 local time, the thermal sensor on charging dock
D-07 reported 78 C at the contact plate and the dock switched off as
designed. An operator noticed a burnt smell. There was no fire.

## Cause

A bent contact spring on the dock reduced the contact area, raising
resistance. Robots docking at a slight angle (within tolerance) made it
worse. The dock is a rev B unit from 2023.

## Actions

- Replaced D-07 and inspected all 12 docks at the site: two more bent
  springs found and replaced.
- Contact inspection added to the quarterly preventive maintenance list.
- Rev C docks (with the self-aligning plate) offered to all customers still
  on rev B; free of charge for sites with more than 10 docks.
- Safety notice sent to all customers on 3 June 2025.
"""

OPS_DOCS["ops/2025-07-18-map-corruption-manual-edit.md"] = """
# Incident Review: Map Corruption After a Manual Map Edit
Author: Camille Durand
Date: 2025-07-22

Severity: SEV-3. Site: Everline Retail, Saint-Priest.

## What happened

A site engineer edited the NWMap file by hand to move a no-go zone and
uploaded it directly, bypassing Map Studio. The file's tile index was
inconsistent, and 6 robots refused to load the new map and stayed parked for
34 minutes.

## Resolution

The previous map version was restored from Hermes map history.

## Action items

- Hermes validates every uploaded map and rejects invalid tile indexes
  (Hermes 2025.17).
- Direct map upload restricted to the admin role.
- Map Studio gains a "move zone" shortcut so nobody needs hand edits.
"""

OPS_DOCS["ops/2025-09-09-delayed-telemetry-us.md"] = """
# Incident Review: Delayed Telemetry in the US Region
Author: Raj Mehta
Date: 2025-09-11

Severity: SEV-3. Duration: 3 h 20 min. No impact on missions.

## What happened

The telemetry ingestion consumers in the US region fell behind after a
deployment doubled the size of the robot pose messages (a debug field was
left enabled). Dashboards and analytics lagged by up to 41 minutes. Live
map positions were not affected because they use a separate stream.

## Resolution

The debug field was disabled by configuration at 18:10 UTC; consumers
caught up by 19:05 UTC.

## Action items

- Message size check in CI for protobuf schema changes.
- Consumer lag alert lowered from 30 to 10 minutes.
- Autoscaling of consumers based on lag, not CPU.
"""

OPS_DOCS["ops/2025-11-03-firmware-update-stalled.md"] = """
# Incident Review: Firmware 3.10 Update Stalled on 14 Robots
Author: Aiko Tanaka
Date: 2025-11-06

Severity: SEV-3. Sites: Harbor Home (9 robots), Kessler Getränke (5 robots).

## What happened

During the staged rollout of firmware 3.10.0, 14 robots downloaded the
image but did not install it. They kept running 3.9.2, reported
"update pending" and retried every hour, which generated 330 support
alerts overnight.

## Cause

These robots had less than 600 MB free on the data partition because their
local flight recorder had not rotated logs since a clock reset in October.

## Resolution

Remote log rotation triggered from Hermes; all 14 robots updated by 4
November 10:00 UTC.

## Action items

- Updater checks free space before download and reports it.
- Flight recorder rotation no longer depends on wall-clock time.
- Alert deduplication: one alert per robot per day for pending updates.
"""

OPS_DOCS["ops/on-call-runbook.md"] = """
# Hermes Cloud On-Call Runbook
Author: Tom Lindqvist
Date: 2025-04-10

## First five minutes

1. Acknowledge the page in the paging tool.
2. Open the Hermes overview dashboard for the affected region.
3. If the mission API error rate is above 20%, or any site has all robots
   idle, declare SEV-1 and page the secondary.
4. Post in #hermes-incidents with what you see, even if you know nothing yet.

## Severity levels

| Level | Definition | Customer update |
|-------|------------|-----------------|
| SEV-1 | A region or a whole site cannot run missions | every 30 minutes |
| SEV-2 | Degraded service at several sites | every 60 minutes |
| SEV-3 | One site degraded, or internal only | at resolution |

## Common procedures

- **Primary switchover**: only in the 02:00 to 05:00 local window, with the
  scripted procedure (`hermesctl db switchover --confirm-fence`). Never
  promote by hand.
- **Connector stuck**: restart the connector pod; check certificate expiry.
- **Robot "lost" at a site**: relocalize from the live map; if more than
  three robots are lost, call the site and field service.
- **Telemetry lag**: check consumer lag; scale consumers.

## After the incident

Write an incident review within five working days for SEV-1 and SEV-2,
blameless, with action items that have owners and due dates.
"""

OPS_TXT = {}
OPS_TXT["ops/status-page-history-2025.txt"] = """
status.northwind-robotics.example — incident history 2025 (exported 2026-01-05)
Date: 2026-01-05

2025-01-22  EU   Resolved  SAP connector not receiving tasks (47 min)
2025-03-12  US   Resolved  Hermes unavailable in the US region (2 h 7 min)
2025-04-29  EU   Resolved  Slow live map for some users (18 min)
2025-06-14  US   Maintenance  Planned maintenance 02:00-03:00 CDT, no impact
2025-07-18  EU   Resolved  Map update failed at one site (34 min)
2025-09-09  US   Resolved  Analytics delayed, robots unaffected (3 h 20 min)
2025-10-21  EU   Maintenance  Primary switchover drill 02:30 CEST, 38 s of read-only
2025-11-03  ALL  Resolved  Firmware update pending on some robots (overnight)

Availability 2025: EU 99.97%, US 99.93%
"""


def ops():
    for rel, text in OPS_DOCS.items():
        write(rel, dedent(text))
    for rel, text in OPS_TXT.items():
        write(rel, dedent(text))
    write_json("ops/incident-register-2025.json", {
        "title": "Incident Register 2025",
        "author": name("tom"),
        "created_at": "2025-01-02T08:00:00Z",
        "updated_at": "2025-11-06T16:00:00Z",
        "description": "All customer-visible incidents of 2025 with severity, duration and review status.",
        "incidents": [
            {"id": "INC-2025-001", "date": "2025-01-22", "severity": "SEV-2", "region": "EU",
             "summary": "Connector certificate expired", "minutes": 47, "review": "ops/2025-01-22-hermes-certificate-expiry.md"},
            {"id": "INC-2025-004", "date": "2025-03-12", "severity": "SEV-1", "region": "US",
             "summary": "Primary switchover split-brain; Hermes US unavailable", "minutes": 127,
             "review": "ops/2025-03-12-database-outage-postmortem.md"},
            {"id": "INC-2025-009", "date": "2025-05-30", "severity": "SEV-2", "region": "site",
             "summary": "Charging dock overheating at Granite Foods", "minutes": 0,
             "review": "ops/2025-05-30-charging-dock-overheating-granite.md"},
            {"id": "INC-2025-012", "date": "2025-07-18", "severity": "SEV-3", "region": "site",
             "summary": "Invalid map upload at Everline", "minutes": 34,
             "review": "ops/2025-07-18-map-corruption-manual-edit.md"},
            {"id": "INC-2025-015", "date": "2025-09-09", "severity": "SEV-3", "region": "US",
             "summary": "Telemetry consumers lagging", "minutes": 200,
             "review": "ops/2025-09-09-delayed-telemetry-us.md"},
            {"id": "INC-2025-018", "date": "2025-11-03", "severity": "SEV-3", "region": "sites",
             "summary": "Firmware update pending on 14 robots", "minutes": 0,
             "review": "ops/2025-11-03-firmware-update-stalled.md"},
        ],
    })


# =========================================================================
# Finance
# =========================================================================

QUARTERS = [
    ("2024-q3", "Q3 2024", "2024-10-15", 6.1, 5.87, 31, 58, -1.9, 21.7, 198,
     "Cobalt Pharma accepted its first Pallas cell (1.1 M EUR recognised). Drive-unit warranty "
     "swaps cost 240 k EUR and kept hardware margin low."),
    ("2024-q4", "Q4 2024", "2025-01-17", 7.4, 7.1, 33, 60, -1.2, 20.1, 209,
     "Peak-season rentals and the Kessler pilot contract. Full year 2024: 24.9 M EUR revenue, "
     "+41% on 2023."),
    ("2025-q1", "Q1 2025", "2025-04-16", 7.0, 7.15, 33, 61, -0.9, 18.4, 214,
     "Below plan because the Everline expansion slipped to June. SLA credits of 31 k USD after "
     "the March Hermes incident are booked against revenue."),
    ("2025-q2", "Q2 2025", "2025-07-15", 7.6, 7.45, 35, 63, -0.3, 17.9, 223,
     "New drive-unit supplier raised hardware margin to 35%. Kessler went live; Bluefin rental "
     "contract signed for Q4."),
    ("2025-q3", "Q3 2025", "2025-10-14", 8.3, 7.9, 36, 64, 0.2, 17.6, 231,
     "First EBITDA-positive quarter. Granite Foods mezzanine order (498 k USD) booked, delivered "
     "in Q4. Net revenue retention 118%."),
]


def finance():
    for slug, label, date, rev, plan, hw_margin, sw_margin, ebitda, cash, robots, comment in QUARTERS:
        text = dedent("""
            Northwind Robotics — {label} financial summary
            Date: {date}
            Prepared by Marta Kowalska (Controller), reviewed by Sam Whitfield (CFO), {date}

            Revenue:            {rev:.1f} M EUR   (plan {plan:.2f} M EUR, {diff:+.1f}%)
            Hardware margin:    {hw} %
            Software margin:    {sw} %   (Hermes licences and support)
            EBITDA:             {ebitda:+.1f} M EUR
            Cash at quarter end:{cash:5.1f} M EUR
            Robots in the field: {robots}

            Comment:
            {comment}

            Not audited. Internal use only; do not forward outside the leadership team.
            """).format(label=label, date=date, rev=rev, plan=plan, diff=(rev / plan - 1) * 100,
                        hw=hw_margin, sw=sw_margin, ebitda=ebitda, cash=cash, robots=robots,
                        comment="\n".join(textwrap.wrap(comment, 76)))
        write("finance/%s-summary.txt" % slug, text)
    write_json("finance/budget-2026-draft.json", {
        "title": "Budget 2026 (Draft v2)",
        "author": name("sam"),
        "created_at": "2025-11-21T17:30:00Z",
        "description": "Draft operating budget for 2026 by department, in thousands of EUR, "
                       "for the December board meeting.",
        "assumptions": {"revenue_keur": 42000, "headcount_year_end": 150, "eur_usd": 1.08,
                        "gen3_first_shipments": "2026-Q3"},
        "departments": [
            {"name": "Engineering", "headcount": 62, "opex_keur": 9850},
            {"name": "Manufacturing and supply chain", "headcount": 18, "opex_keur": 2140},
            {"name": "Field service and support", "headcount": 26, "opex_keur": 3310},
            {"name": "Sales and marketing", "headcount": 21, "opex_keur": 4420},
            {"name": "G&A (finance, people, legal, IT)", "headcount": 23, "opex_keur": 3180},
        ],
        "capex_keur": [
            {"item": "Gen 3 production tooling", "amount": 1450},
            {"item": "Chicago service hub fit-out", "amount": 220},
            {"item": "Munich test hall extension", "amount": 610},
        ],
    })
    write_json("finance/vendor-register.json", {
        "title": "Key Vendor Register",
        "author": name("marta"),
        "created_at": "2025-06-30T09:00:00Z",
        "description": "Suppliers with annual spend above 100 k EUR, contract end dates and owners.",
        "vendors": [
            {"vendor": "Kessler Antriebe GmbH", "category": "Drive units", "annual_spend_keur": 1620,
             "contract_end": "2027-03-31", "owner": name("omar")},
            {"vendor": "Voltaris Energy Systems", "category": "Battery packs (LiFePO4)", "annual_spend_keur": 1180,
             "contract_end": "2026-12-31", "owner": name("omar")},
            {"vendor": "Lumen Sensorik AG", "category": "Safety laser scanners", "annual_spend_keur": 2050,
             "contract_end": "2026-09-30", "owner": name("omar")},
            {"vendor": "CloudScale Inc.", "category": "Cloud hosting (Hermes)", "annual_spend_keur": 740,
             "contract_end": "2026-06-30", "owner": name("tom")},
            {"vendor": "Armature Robotique SA", "category": "Pallas arm (OEM)", "annual_spend_keur": 890,
             "contract_end": "2028-01-31", "owner": name("camille")},
            {"vendor": "Brightpath Logistics", "category": "Freight and customs", "annual_spend_keur": 310,
             "contract_end": "2025-12-31", "owner": name("kwame")},
        ],
    })
    write("finance/month-end-close-checklist.md", dedent("""
        # Month-End Close Checklist
        Author: Marta Kowalska
        Date: 2025-02-04

        The books close on working day 6 of the following month.

        ## Working days 1 to 2

        - Revenue: Hermes licences from the billing system; hardware revenue only
          for robots with a signed acceptance certificate.
        - Accrue field service travel not yet expensed (ask Sofia's team).
        - Inventory count of spare parts in Boston and Munich (cycle count).

        ## Working days 3 to 4

        - Intercompany invoices between Inc., GmbH and SAS; transfer pricing at
          cost plus 8% for engineering services.
        - FX revaluation of USD, GBP, CHF and NOK balances.
        - Review SLA credits and warranty provisions with Customer Success.

        ## Working days 5 to 6

        - Flash report to the CFO, then the leadership team.
        - Cash forecast for 13 weeks updated.
        """))

# =========================================================================
# Support
# =========================================================================

TICKETS = [
    (4100, "acme-logistics", "2024-11-04", "high", "resolved", "Robots pause when roaming between access points in hall 2",
     "Customer AP firmware update changed roaming thresholds.", "noah"),
    (4101, "granitefoods", "2024-11-19", "normal", "resolved", "Hermes dashboard shows wrong time zone for shift reports",
     "Site time zone was set to UTC during onboarding; corrected to America/Chicago.", "sofia"),
    (4102, "fjordfreight", "2024-12-29", "urgent", "resolved", "Three robots lost in freezer aisle F",
     "Frost on the floor; robots relocalized manually at 23:10. Fiducials recommended.", "aiko"),
    (4103, "draytonparts", "2024-12-07", "high", "resolved", "Spurious lift blocked errors after firmware 3.4",
     "Sensor debounce regression; fixed in 3.4.1.", "aiko"),
    (4104, "cobaltpharma", "2025-01-14", "normal", "resolved", "Audit trail export missing operator names",
     "Export used pseudonymised IDs; customer given the mapping key under their DPA.", "grace"),
    (4107, "bluefin", "2024-11-15", "high", "resolved", "AT-0233 stops on ramp to chiller 3 with drive fault left",
     "Worn gearbox in left drive unit; replaced on site.", "noah"),
    (4109, "harborhome", "2025-01-20", "normal", "resolved", "Phantom obstacle stops on glossy epoxy floor",
     "Reflectivity filter beta enabled on 10 robots, then fleet-wide with 3.7.1.", "aiko"),
    (4112, "granitefoods", "2025-03-12", "urgent", "resolved", "All robots idle, console shows unable to load missions",
     "Part of the US region incident INC-2025-004.", "tom"),
    (4115, "cobaltpharma", "2025-05-21", "high", "resolved", "Temperature logger on AT-0517 reads 26.4 C in zone C",
     "Logger measures at the robot body near the drive electronics; tote-level logger offered.", "omar"),
    (4118, "everline", "2025-06-12", "normal", "resolved", "Robots wait behind the returns conveyor",
     "Light curtain mapped as obstacle; map adjusted with a pass-through zone.", "lena"),
    (4121, "kessler", "2025-07-22", "high", "resolved", "Crates tip over in the curve at aisle 7",
     "Speed zone of 0.6 m/s and softer acceleration configured.", "noah"),
    (4124, "granitefoods", "2025-05-30", "urgent", "resolved", "Burnt smell at charging dock D-07",
     "Bent contact spring; dock replaced, all docks inspected.", "omar"),
    (4127, "harborhome", "2025-10-11", "low", "resolved", "Create Hermes accounts for four new shift supervisors",
     "Accounts created with the shift supervisor role.", "sofia"),
    (4130, "acme-logistics", "2025-12-02", "normal", "open", "Venlo robots slow at lift 2 doors",
     "Lift door open signal arrives 4 s late; waiting for KONE technician.", "noah"),
]

TICKET_COMMENTS = {
    4102: [("Erik Nilsen", "2024-12-29T22:18:00+01:00", "Three robots lost, 200 pallets due by 06:00."),
           ("Sofia Alvarez", "2024-12-29T22:31:00+01:00", "Calling you now. Please keep people away from aisle F."),
           ("Aiko Tanaka", "2024-12-29T23:10:00+01:00", "All three relocalized remotely; slowed aisle F to 0.8 m/s.")],
    4112: [("Marcus Bell", "2025-03-12T11:48:00-05:00", "All 46 robots idle since 10:15."),
           ("Sofia Alvarez", "2025-03-12T11:55:00-05:00", "Confirmed, region-wide problem, SEV-1 open. Updates every 30 minutes."),
           ("Tom Lindqvist", "2025-03-12T12:21:00-05:00", "Robots reconnecting now, site by site.")],
    4121: [("Stefan Brandl", "2025-07-22T14:12:00+02:00", "Zweimal diese Woche Kisten gekippt."),
           ("Noah Schreiber", "2025-07-23T09:05:00+02:00", "Speed zone active from today; data review on 30 July."),
           ("Noah Schreiber", "2025-07-30T10:00:00+02:00", "No tip-overs in 7 days, 4,310 passes through the curve. Closing.")],
}


def support():
    for num, slug, date, prio, status, title, resolution, who in TICKETS:
        c = cust(slug)
        obj = {
            "title": "SUP-%d: %s" % (num, title),
            "author": c[4],
            "created_at": date + "T08:00:00Z",
            "description": "%s reported: %s. Site: %s, %s." % (c[0], title.lower(), c[2], c[3]),
            "customer": c[0], "priority": prio, "status": status, "assignee": name(who),
            "resolution": resolution,
            "tags": [slug, prio],
        }
        if num in TICKET_COMMENTS:
            obj["comments"] = [{"author": a, "at": t, "text": x} for a, t, x in TICKET_COMMENTS[num]]
        write_json("support/tickets/SUP-%d.json" % num, obj)
    write("support/support-faq.md", dedent("""
        # Support FAQ for Customer Sites
        Author: Sofia Alvarez
        Date: 2025-03-31

        ## How do I reach support?

        Premium customers call the 24/7 hotline; Standard customers use the portal,
        answered within 4 business hours. For safety incidents always call.

        ## A robot shows "lost". What do I do?

        Open the live map in Hermes, select the robot and click its real position.
        If it does not recover in 30 seconds, use the HMI to park it and call us.

        ## Can we move a robot by hand?

        Only with "release brake and tow" on the HMI, never on a slope, and never
        with a load above 200 kg.

        ## How do I send a diagnostics bundle?

        Robot page > Service > Collect diagnostics. It uploads in about two minutes.

        ## Who may change the map?

        Users with the site admin role, through Map Studio. Hand-edited map files
        are rejected since Hermes 2025.17.
        """))
    write("support/reply-macros.txt", dedent("""
        Support reply macros (v7, Sofia Alvarez, 2025-08-12)
        Date: 2025-08-12

        [ACK-URGENT]
        Thanks for calling this in. An engineer is looking at your site right now
        and will call you within 15 minutes. Please keep people clear of any robot
        that is stopped in an aisle.

        [DIAG-REQUEST]
        Could you collect a diagnostics bundle from the robot page (Service >
        Collect diagnostics)? It contains the last 30 minutes of logs and scans.

        [PARTS-SHIPPED]
        The replacement part ships today with overnight delivery. Our field
        engineer will fit it on the date below; no action needed from you.

        [CLOSE-CONFIRM]
        We believe this is resolved. If you see the problem again in the next 7
        days, reply here and the ticket reopens automatically.
        """))

# =========================================================================

# =========================================================================
# Exports: what each source's own export looks like, for the importers
# (src/connectors/*_export.c). A Slack workspace export (folder), a Google
# Takeout mbox of Luca Bianchi's mail, a Notion "Markdown & CSV" export
# (zip) and a Salesforce Data Export (CSVs). They reuse the people,
# customers and products above, so the company's knowledge is spread over
# all five sources. Deterministic like the rest: fixed ids, fixed times.
# =========================================================================

EXPORTS = "exports"
SLACK_WORKSPACE = "northwind-robotics"

SLACK_PEOPLE = ["maya", "daniel", "zoe", "priya", "tom", "jose", "aiko", "sam", "lena", "omar",
                "grace", "luca", "camille", "ben", "sofia", "noah", "elif", "marta"]


def slack_uid(k):
    return "U0NW%04d" % (SLACK_PEOPLE.index(k) + 1)


def utc(text):
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=timezone.utc)


def slack_ts(text, seq):
    return "%d.%06d" % (int(utc(text).timestamp()), seq)


# id, name, kind ("public", "private", "mpim", "im"), members, purpose
SLACK_CHANNELS = [
    ("C0NW0001", "general", "public", SLACK_PEOPLE, "Company-wide announcements"),
    ("C0NW0002", "atlas-firmware", "public", ["daniel", "priya", "tom", "aiko", "omar", "noah"],
     "Atlas AMR firmware: releases, rollouts, field issues"),
    ("C0NW0003", "hermes-platform", "public", ["daniel", "tom", "grace", "ben", "sofia"],
     "Hermes fleet management: releases, integrations, on-call"),
    ("C0NW0004", "sales-emea", "public", ["luca", "lena", "noah", "jose", "sam"],
     "EMEA deals and renewals"),
    ("C0NW0005", "customer-success", "public", ["lena", "noah", "sofia", "jose", "priya"],
     "Customer sites: go-lives, escalations, health"),
    ("G0NW0001", "leadership", "private", ["maya", "daniel", "sam", "zoe", "luca"],
     "Leadership team (private)"),
    ("G0NW0002", "people-ops", "private", ["zoe", "elif", "marta"], "People operations (private)"),
    ("G0NW0003", "mpdm-luca.bianchi--lena.fischer--noah.schreiber-1", "mpim",
     ["luca", "lena", "noah"], ""),
    ("D0NW0001", None, "im", ["daniel", "tom"], ""),
]

# channel, "YYYY-MM-DD HH:MM" (UTC), person (or "bot:<name>"), text, options:
#   thread=<index of the parent message in this list>, edited="YYYY-MM-DD HH:MM",
#   file=(name, title, mimetype), subtype=..., attachments=[fallback text]
SLACK_MESSAGES = [
    ("general", "2025-12-01 08:00", "zoe", "", {"subtype": "channel_join"}),
    ("general", "2025-12-01 08:30", "maya",
     "Good morning everyone! December priorities: the Kessler Getränke conversion to 24 robots, "
     "the Acme Logistics renewal, and Hermes 2026.1. All-hands is on Friday 12 December at 16:00 "
     "CET in Munich and on Zoom.", {}),
    ("general", "2025-12-01 08:41", "elif",
     "Please welcome Jana Novak, who joins <#C0NW0002|atlas-firmware> as a firmware engineer in "
     "Munich today :wave:", {}),
    ("atlas-firmware", "2025-12-02 09:10", "aiko",
     "Atlas 3.9.1 is ready: it fixes the race in opportunistic charging where a robot could leave "
     "the dock at 19% state of charge. Proposal: stage it at Acme Venlo first, then the US sites.",
     {"edited": "2025-12-02 09:25"}),
    ("atlas-firmware", "2025-12-02 09:18", "tom",
     "+1. Venlo has the widest shift pattern, we will see the charging behaviour within a day.",
     {"thread": 3}),
    ("atlas-firmware", "2025-12-02 09:32", "priya",
     "Agreed. <@%s> please tell Hanna de Vries before the update window (Tuesday 22:00 CET)."
     % slack_uid("noah"), {"thread": 3}),
    ("atlas-firmware", "2025-12-02 10:05", "noah",
     "Done, Hanna confirmed the window. Lift 2 doors at Venlo are still slow (SUP-4130), so we "
     "keep the 3.9.0 elevator timeout there.", {"thread": 3}),
    ("atlas-firmware", "2025-12-02 10:20", "aiko", "Here is the rollout plan.",
     {"subtype": "file_share", "file": ("atlas-3.9.1-rollout-plan.pdf", "Atlas 3.9.1 rollout plan",
                                        "application/pdf")}),
    ("atlas-firmware", "2025-12-03 07:45", "noah",
     "Venlo overnight report: 40 of 40 robots on 3.9.1, no early dock departures, average charge "
     "at departure 34%.", {"thread": 3}),
    ("atlas-firmware", "2025-12-03 08:02", "bot:deploybot", "",
     {"subtype": "bot_message",
      "attachments": ["Firmware 3.9.1 promoted to the stable channel for all EU sites"]}),
    ("hermes-platform", "2025-12-04 14:00", "grace",
     "Hermes 2026.1 scope is frozen: SAP EWM multi-handling-unit tasks, zone lock calendar sync "
     "and the new shift report time zones (the Granite Foods request, SUP-4101).", {}),
    ("hermes-platform", "2025-12-04 14:12", "ben",
     "The SAP EWM connector passed the Bluefin Grocers test system yesterday; 1,200 tasks "
     "replayed, no mismatches.", {"thread": 10}),
    ("hermes-platform", "2025-12-04 14:30", "tom",
     "Reminder: the eu-west TLS certificates renew automatically since January, but the "
     "building gateway certificates at Cobalt Pharma are still manual. I put a calendar entry "
     "for 2026-02-15.", {"thread": 10}),
    ("hermes-platform", "2025-12-05 16:40", "bot:deploybot", "",
     {"subtype": "bot_message", "attachments": ["Deployed Hermes 2025.23 to eu-west and us-east"]}),
    ("sales-emea", "2025-12-08 10:00", "luca",
     "Kessler Getränke: Stefan Brandl wants to convert the pilot to 24 robots before the summer "
     "peak. Contract value 402,000 EUR, target signature 27 February. Blocker: the glass crates "
     "in the aisle 7 curve (SUP-4121).", {}),
    ("sales-emea", "2025-12-08 10:14", "noah",
     "The speed zone fix from July holds: 0 tipped crates in 11 weeks at 0.9 m/s in the curve. "
     "I can present the numbers on site in Augsburg.", {"thread": 14}),
    ("sales-emea", "2025-12-08 10:31", "lena",
     "I will bring the Pallas demo video too, they asked about piece picking for the mixed "
     "cases.", {"thread": 14}),
    ("sales-emea", "2025-12-09 15:20", "luca",
     "Cobalt Pharma: quote for the Pallas cold-room cell sent to Marc Keller, 241,000 EUR, "
     "validated for 2-8 C operation. Decision expected end of March.", {}),
    ("customer-success", "2025-12-10 09:00", "lena",
     "Acme Logistics health check: Rotterdam green, Venlo amber because of the lift 2 doors. "
     "Renewal (1.38 M EUR) depends on fixing it before April.", {}),
    ("customer-success", "2025-12-10 09:22", "sofia",
     "Schindler confirmed a firmware update for the lift 2 door controller on 16 December.",
     {"thread": 18}),
    ("customer-success", "2025-12-11 13:05", "jose",
     "Harbor Home invited us to the Tacoma DC discovery workshop on 14 January; I will take Priya "
     "for the Atlas capacity model.", {}),
    ("leadership", "2025-12-12 07:30", "sam",
     "2026 budget: engineering hiring goes ahead (6 roles), other hiring paused until the Q1 "
     "numbers. Cash runway 31 months at the current plan.", {}),
    ("leadership", "2025-12-12 07:52", "luca",
     "Prairie Outfitters asks for 14% off list on 30 robots for Denver. Guideline is 10%; I "
     "suggest 12% with a 3-year Hermes commitment.", {"thread": 21}),
    ("leadership", "2025-12-12 08:10", "maya", "Approved at 12% with the 3-year commitment.",
     {"thread": 21}),
    ("people-ops", "2025-12-15 11:00", "zoe",
     "The Munich office moves to the new test hall building on 2 March; the works council "
     "agreed the new on-call room.", {}),
    ("mpdm-luca.bianchi--lena.fischer--noah.schreiber-1", "2025-12-16 17:45", "luca",
     "For Augsburg on Thursday: I bring the contract draft, Noah the speed zone data, Lena the "
     "Pallas video. Stefan's boss Frau Huber joins at 11:00.", {}),
    ("D0NW0001", "2025-12-17 18:20", "daniel",
     "Tom, can you swap the on-call week of 29 December with Ben? He is in Lagos over New Year.",
     {}),
    ("D0NW0001", "2025-12-17 18:31", "tom", "Yes, swapped in the rota.", {}),
    ("general", "2026-01-05 08:00", "maya",
     "Happy new year! Kessler signed the conversion to 24 robots on 22 December, two months early. "
     "Thank you Luca, Noah and Lena.", {}),
]


def slack_export():
    base = os.path.join(EXPORTS, "slack")
    users = []
    for k in SLACK_PEOPLE:
        full, box, role, office = PEOPLE[k]
        users.append({
            "id": slack_uid(k), "team_id": "T0NW0001", "name": box, "deleted": False,
            "real_name": full, "tz": ZONES.get(office, "UTC"),
            "profile": {"title": role, "real_name": full, "real_name_normalized": full,
                        "display_name": box.split(".")[0], "email": mail(k), "team": "T0NW0001"},
            "is_admin": k in ("maya", "daniel"), "is_bot": False,
        })
    users.append({"id": "U0NWBOT1", "team_id": "T0NW0001", "name": "deploybot", "deleted": False,
                  "real_name": "deploybot", "profile": {"real_name": "deploybot",
                                                        "bot_id": "B0NW0001"},
                  "is_bot": True})
    write_json(os.path.join(base, "users.json"), users)
    lists = {"public": [], "private": [], "mpim": [], "im": []}
    for cid, cname, kind, members, purpose in SLACK_CHANNELS:
        obj = {"id": cid, "created": int(utc("2024-10-01 09:00").timestamp()),
               "creator": slack_uid("maya"), "is_archived": False,
               "members": [slack_uid(m) for m in members]}
        if cname:
            obj["name"] = cname
        if kind in ("public", "private"):
            obj["is_general"] = cname == "general"
            obj["topic"] = {"value": "", "creator": "", "last_set": 0}
            obj["purpose"] = {"value": purpose, "creator": slack_uid("maya"), "last_set": 0}
        lists[kind].append(obj)
    write_json(os.path.join(base, "channels.json"), lists["public"])
    write_json(os.path.join(base, "groups.json"), lists["private"])
    write_json(os.path.join(base, "mpims.json"), lists["mpim"])
    write_json(os.path.join(base, "dms.json"), lists["im"])
    stamps = []
    days = {}
    replies = {}
    for i, (channel, when, who, text, opts) in enumerate(SLACK_MESSAGES):
        stamps.append(slack_ts(when, 100 + i))
        if "thread" in opts:
            replies.setdefault(opts["thread"], []).append(i)
    for i, (channel, when, who, text, opts) in enumerate(SLACK_MESSAGES):
        msg = {"type": "message", "ts": stamps[i]}
        if who.startswith("bot:"):
            msg.update({"subtype": "bot_message", "bot_id": "B0NW0001", "username": who[4:],
                        "text": text})
            msg["attachments"] = [{"id": n + 1, "fallback": a, "text": a, "color": "36a64f"}
                                  for n, a in enumerate(opts.get("attachments", []))]
        else:
            msg["user"] = slack_uid(who)
            msg["text"] = text or "<@%s> has joined the channel" % slack_uid(who)
            if "subtype" in opts:
                msg["subtype"] = opts["subtype"]
        if "edited" in opts:
            msg["edited"] = {"user": slack_uid(who), "ts": slack_ts(opts["edited"], 0)}
        if "file" in opts:
            fname, title, mime = opts["file"]
            fid = "F0NW%04d" % (i + 1)
            msg["files"] = [{
                "id": fid, "created": int(utc(when).timestamp()), "name": fname, "title": title,
                "mimetype": mime, "filetype": fname.rsplit(".", 1)[-1], "user": slack_uid(who),
                "size": 48213,
                "url_private": "https://files.slack.com/files-pri/T0NW0001-%s/%s" % (fid, fname),
                "permalink": "https://%s.slack.com/files/%s/%s/%s" % (
                    SLACK_WORKSPACE, slack_uid(who), fid, fname)}]
            msg["upload"] = True
        if "thread" in opts:
            msg["thread_ts"] = stamps[opts["thread"]]
            msg["parent_user_id"] = slack_uid(SLACK_MESSAGES[opts["thread"]][2])
        elif i in replies:
            msg["thread_ts"] = stamps[i]
            msg["reply_count"] = len(replies[i])
            msg["replies"] = [{"user": slack_uid(SLACK_MESSAGES[r][2]), "ts": stamps[r]}
                              for r in replies[i]]
        days.setdefault((channel, when[:10]), []).append(msg)
    for (channel, day), msgs in sorted(days.items()):
        write_json(os.path.join(base, channel, day + ".json"), msgs)


# Luca Bianchi's mailbox, as Google Takeout writes it.
# (msgid, thread index, labels, date UTC, from, to, cc, subject, body, attachment)
GMAIL_MESSAGES = [
    (0, ["Inbox", "Important", "Customers/Kessler"], "2025-12-03 07:12",
     "Stefan Brandl <stefan.brandl@kessler-getraenke.example>", ["luca"], ["noah"],
     "Angebot: Ausbau auf 24 Roboter",
     "Hallo Herr Bianchi,\n\nwir möchten den Pilot vor der Sommersaison auf 24 Roboter "
     "ausbauen. Bitte schicken Sie uns das Angebot bis 15. Dezember. Voraussetzung bleibt, "
     "dass in der Kurve in Gang 7 keine Kästen mehr umfallen.\n\nViele Grüße\nStefan Brandl\n"
     "Leiter Logistik, Kessler Getränke\n", None),
    (0, ["Sent"], "2025-12-04 16:40", "luca",
     ["Stefan Brandl <stefan.brandl@kessler-getraenke.example>"], ["noah", "lena"],
     "Re: Angebot: Ausbau auf 24 Roboter",
     "Hallo Herr Brandl,\n\nanbei unser Angebot für 14 weitere Atlas AMR und die Hermes "
     "Enterprise Lizenzen: 402.000 EUR über drei Jahre. Noah Schreiber zeigt Ihnen am "
     "Donnerstag die Messwerte der Geschwindigkeitszone (0,9 m/s, seit Juli kein "
     "umgefallener Kasten).\n\nBeste Grüße\nLuca Bianchi\n",
     ("kessler-angebot-24-roboter.txt", "text/plain",
      "Angebot Kessler Getränke, Augsburg\n14 x Atlas AMR Gen 2, 14 x Hermes Enterprise\n"
      "Gesamt: 402.000 EUR, Laufzeit 36 Monate\nInbetriebnahme: April 2026\n")),
    (1, ["Inbox", "Customers/Cobalt Pharma"], "2025-12-09 08:05",
     "Marc Keller <marc.keller@cobaltpharma.example>", ["luca"], ["camille"],
     "Pallas cold-room cell: validation questions",
     "Hi Luca,\n\nbefore we can sign off the 241,000 EUR quote, QA needs the Pallas gripper "
     "validated for 2-8 C with condensation, and the audit trail must name the operator "
     "(see our ticket SUP-4104). Can Camille join a call next week?\n\nBest,\nMarc\n", None),
    (1, ["Sent"], "2025-12-09 15:02", "luca", ["Marc Keller <marc.keller@cobaltpharma.example>"],
     ["camille"], "Re: Pallas cold-room cell: validation questions",
     "Hi Marc,\n\nCamille Durand ran the cold-room tests in Lyon: 500 cycles at 4 C with 95% "
     "humidity, no grip failures. Operator names are in the audit export since Hermes "
     "2025.4. Call proposed for Tuesday 16 December, 14:00 CET.\n\nBest regards,\nLuca\n",
     ("pallas-cold-room-test-summary.txt", "text/plain",
      "Pallas cold-room test, Lyon lab, November 2025\n500 pick cycles at 4 C, 95% RH\n"
      "Grip failures: 0. Cycle time: 7.9 s (target 8.5 s)\n")),
    (2, ["Inbox", "Important"], "2025-12-12 09:30", "sam", ["luca"], ["maya"],
     "Discount approval: Prairie Outfitters",
     "Luca,\n\nconfirming the leadership decision: Prairie Outfitters may get 12% off list "
     "for the Denver DC (30 robots) with a 3-year Hermes commitment. Anything above needs the "
     "board.\n\nSam\n", None),
    (3, ["Inbox", "Customers/Acme"], "2025-12-15 10:10",
     "Hanna de Vries <hanna.de.vries@acme-logistics.example>", ["luca", "lena"], [],
     "Renewal Rotterdam + Venlo",
     "Dear Luca,\n\nour board reviews the renewal (1.38 M EUR) on 20 March. The lift 2 doors in "
     "Venlo are the one open point: Schindler updated the door controller on 16 December and "
     "the robots are faster now, but we want two clean weeks of data first.\n\nKind regards,\n"
     "Hanna de Vries\nDirector of Operations, Acme Logistics\n", None),
    (4, ["Inbox"], "2025-12-18 12:00", "Erik Nilsen <erik.nilsen@fjordfreight.example>",
     ["luca"], [], "Intro: Nordkap Seafood",
     "Hi Luca,\n\nmy former colleague Ingrid Solberg runs the cold store of Nordkap Seafood in "
     "Tromsø and is looking at AMRs for -25 C. I told her about the cold-store mode. Her "
     "address: ingrid.solberg@nordkap-seafood.example.\n\nErik\n", None),
    (5, ["Inbox", "Category Updates"], "2025-12-19 06:00",
     "Hermes Release Notes <releases@northwind-robotics.example>", ["luca"], [],
     "Hermes 2026.1 is out",
     "Hermes 2026.1 brings SAP EWM tasks with multiple handling units, zone lock calendar sync "
     "and shift reports in the site's time zone.\n", None),
    (6, ["Spam"], "2025-12-20 03:14", "Prize Desk <prize@win-big.example>", ["luca"], [],
     "You have won a yacht", "Click here to claim your yacht.\n", None),
    (7, ["Inbox", "Customers/Everline"], "2025-12-22 08:45",
     "Claire Martin <claire.martin@everline.example>", ["luca"], ["francois"],
     "Réunion de lancement Pallas à Saint-Priest",
     "Bonjour Luca,\n\nnous confirmons la réunion du 8 janvier à Saint-Priest pour la "
     "deuxième cellule Pallas. François Lefèvre est le bienvenu.\n\nCordialement,\n"
     "Claire Martin\n", None),
    (0, ["Inbox", "Important", "Customers/Kessler"], "2025-12-22 17:05",
     "Stefan Brandl <stefan.brandl@kessler-getraenke.example>", ["luca"], ["noah", "lena"],
     "Re: Angebot: Ausbau auf 24 Roboter",
     "Hallo Herr Bianchi,\n\nder Vertrag ist unterschrieben, Scan anbei. Inbetriebnahme wie "
     "besprochen im April.\n\nFrohe Weihnachten!\nStefan Brandl\n", None),
]


def encoded_word(text):
    if all(ord(ch) < 128 for ch in text):
        return text
    return "=?UTF-8?B?%s?=" % base64.b64encode(text.encode("utf-8")).decode("ascii")


def mail_address(who):
    if who in PEOPLE:
        return "%s <%s>" % (encoded_word(name(who)), mail(who))
    display, _, rest = who.partition(" <")
    return "%s <%s" % (encoded_word(display), rest)


def qp(text):
    return quopri.encodestring(text.encode("utf-8")).decode("ascii")


def gmail_export():
    out = []
    base_id = 1852000000000000000
    for n, (thread, labels, when, sender, to, cc, subject, body, attach) in enumerate(
            GMAIL_MESSAGES):
        msgid = base_id + n * 7919
        thrid = base_id + thread * 104729
        stamp = utc(when)
        headers = [
            "X-GM-THRID: %d" % thrid,
            "X-Gmail-Labels: %s" % ",".join('"%s"' % l if "," in l else l for l in labels),
            "Delivered-To: %s" % mail("luca"),
            "Message-ID: <%s.%d@mail.%s>" % (stamp.strftime("%Y%m%d%H%M"), n, DOMAIN),
            "Date: %s" % format_datetime(stamp),
            "From: %s" % mail_address(sender),
            "To: %s" % ", ".join(mail_address(t) for t in to),
        ]
        if cc:
            headers.append("Cc: %s" % ", ".join(mail_address(c) for c in cc))
        headers.append("Subject: %s" % encoded_word(subject))
        headers.append("MIME-Version: 1.0")
        text_part = ("Content-Type: text/plain; charset=utf-8\n"
                     "Content-Transfer-Encoding: quoted-printable\n\n" + qp(body))
        if attach:
            fname, mime, content = attach
            boundary = "nw-mbox-%03d" % n
            headers.append('Content-Type: multipart/mixed; boundary="%s"' % boundary)
            payload = base64.encodebytes(content.encode("utf-8")).decode("ascii")
            message = "\n".join(headers) + "\n\n" + (
                "--%s\n%s\n--%s\nContent-Type: %s; name=\"%s\"\n"
                "Content-Disposition: attachment; filename=\"%s\"\n"
                "Content-Transfer-Encoding: base64\n\n%s--%s--\n" % (
                    boundary, text_part, boundary, mime, fname, fname, payload, boundary))
        else:
            message = "\n".join(headers) + "\n" + text_part
        # mboxrd: body lines that start with "From " (after any '>') gain one '>'.
        lines = [(">" + l if l.lstrip(">").startswith("From ") else l)
                 for l in message.split("\n")]
        out.append("From %d@xxx %s\n%s\n" % (msgid, stamp.strftime("%a %b %d %H:%M:%S +0000 %Y"),
                                             "\n".join(lines).rstrip("\n") + "\n"))
    path = os.path.join(DEMO, EXPORTS, "gmail", "northwind.mbox")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="ascii", newline="\n") as f:
        f.write("".join(out))


def notion_id(title):
    return hashlib.md5(("northwind notion " + title).encode("utf-8")).hexdigest()


NOTION_PAGES = [
    # (path of titles, markdown body)
    (["Northwind Wiki"],
     "Welcome to the Northwind Robotics wiki. Engineering runbooks, sales account plans and the "
     "project tracker live here; policies stay in the HR folder of the shared drive.\n"),
    (["Northwind Wiki", "Engineering"],
     "How the Atlas, Pallas and Hermes teams work: release checklists, on-call, test hall "
     "booking.\n"),
    (["Northwind Wiki", "Engineering", "Atlas firmware release checklist"],
     "## Before the release\n\n- Soak test 72 hours in the Munich test hall with 12 robots\n"
     "- Stage on one customer site first (Acme Venlo for EU, Granite Foods for US)\n"
     "- Tell the customer's site lead at least 48 hours before the update window\n\n"
     "## After the release\n\n- Watch dock departures and charge levels for one full shift\n"
     "- Promote to the stable channel with deploybot\n"),
    (["Northwind Wiki", "Engineering", "Hermes on-call handbook"],
     "## Escalation\n\nPage the Hermes on-call first, the SRE lead (Tom Lindqvist) after 20 "
     "minutes. Customer-facing status updates every 30 minutes.\n\n## Certificates\n\n"
     "Cloud certificates renew automatically. Building gateway certificates at Cobalt Pharma "
     "are renewed by hand; next renewal 2026-02-15.\n"),
    (["Northwind Wiki", "Sales"],
     "Account plans for the key accounts, owned by the account executives.\n"),
    (["Northwind Wiki", "Sales", "Kessler Getränke account plan"],
     "## Situation\n\nPilot of 10 Atlas AMRs in Augsburg since May 2025. Glass crates tipped in "
     "the aisle 7 curve until the 0.9 m/s speed zone in July.\n\n## Plan\n\nConversion to 24 "
     "robots signed on 22 December 2025 (402,000 EUR). Go-live in April 2026 with Noah "
     "Schreiber as field lead. Next: Pallas piece picking for mixed cases in 2027.\n"),
]

# The project tracker database: Name, Status, Owner, Customer, Due, Created
NOTION_PROJECTS = [
    ("Venlo lift 2 integration", "In progress", "Lena Fischer", "Acme Logistics",
     "January 30, 2026", "November 24, 2025 9:00 AM",
     "Schindler updated the door controller on 16 December. We need two clean weeks of data "
     "before the renewal board on 20 March."),
    ("Kessler conversion to 24 robots", "Planned", "Noah Schreiber", "Kessler Getränke",
     "April 20, 2026", "December 22, 2025 5:30 PM",
     "14 more robots, new charging docks in hall B, speed zone kept at 0.9 m/s in the aisle 7 "
     "curve."),
    ("Pallas cold-room cell", "Proposal", "Camille Durand", "Cobalt Pharma", "March 31, 2026",
     "December 9, 2025 3:00 PM", None),
    ("Hermes 2026.1 SAP EWM tasks", "Done", "Ben Adeyemi", "Bluefin Grocers",
     "December 19, 2025", "October 6, 2025 10:00 AM",
     "Multi-handling-unit warehouse tasks; validated on the Bluefin test system with 1,200 "
     "replayed tasks."),
    ("Tacoma DC discovery", "Planned", "José Peña", "Harbor Home", "January 14, 2026",
     "December 11, 2025 1:00 PM", None),
]


def notion_export():
    files = {}
    root = "Export-7b1f3c2a-6d0e-4c55-9a51-2f7c1d0e4b8a"

    def folder_of(titles):
        return "/".join("%s %s" % (t, notion_id(t)) for t in titles)

    for titles, body in NOTION_PAGES:
        path = "%s/%s.md" % (root, folder_of(titles))
        files[path] = "# %s\n\n%s" % (titles[-1], body)
    db_parent = ["Northwind Wiki"]
    db = "Projects"
    db_dir = "%s/%s/%s %s" % (root, folder_of(db_parent), db, notion_id(db))
    header = ["Name", "Status", "Owner", "Customer", "Due", "Created"]

    def csv_text(rows):
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow(r[:6])
        return "\ufeff" + buf.getvalue()

    # The current view shows the open projects; the _all file has every row.
    files[db_dir + ".csv"] = csv_text([r for r in NOTION_PROJECTS if r[1] != "Done"])
    files[db_dir + "_all.csv"] = csv_text(NOTION_PROJECTS)
    # Every row is a page too: its properties, then its content (if any).
    for row in NOTION_PROJECTS:
        props = "".join("%s: %s\n" % (h, v) for h, v in zip(header[1:], row[1:6]))
        files["%s/%s %s.md" % (db_dir, row[0], notion_id(row[0]))] = (
            "# %s\n\n%s" % (row[0], props) + ("\n%s\n" % row[6] if row[6] else ""))
    path = os.path.join(DEMO, EXPORTS, "notion", "northwind-notion-export.zip")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name_ in sorted(files):
            info = zipfile.ZipInfo(name_, date_time=(2026, 1, 15, 9, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, files[name_].encode("utf-8"))


def sf_id(prefix, n):
    return "%s5g00000NW%03dAAA" % (prefix, n)


SF_USERS = ["luca", "jose", "lena", "noah", "sofia", "sam"]


def salesforce_export():
    base = os.path.join(DEMO, EXPORTS, "salesforce")
    os.makedirs(base, exist_ok=True)

    def write_csv(obj, header, rows):
        with open(os.path.join(base, obj + ".csv"), "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\n")
            w.writerow(header)
            for r in rows:
                w.writerow(["" if v is None else v for v in r])

    user_id = {k: sf_id("005", i + 1) for i, k in enumerate(SF_USERS)}
    write_csv("User", ["Id", "Name", "FirstName", "LastName", "Email", "Title", "IsActive"],
              [[user_id[k], name(k), name(k).split()[0], name(k).split()[-1], mail(k),
                PEOPLE[k][2], "true"] for k in SF_USERS])
    owners = {"acme-logistics": "luca", "bluefin": "luca", "cobaltpharma": "luca",
              "draytonparts": "jose", "everline": "luca", "fjordfreight": "luca",
              "granitefoods": "jose", "harborhome": "jose", "kessler": "luca"}
    acc_id, con_id = {}, {}
    accounts, contacts = [], []
    for i, slug in enumerate(sorted(CUSTOMERS)):
        c = CUSTOMERS[slug]
        acc_id[slug] = sf_id("001", i + 1)
        con_id[slug] = sf_id("003", i + 1)
        accounts.append([acc_id[slug], c[0], "Customer", c[6], c[2], c[3],
                         "https://www.%s" % c[1], c[10], user_id[owners[slug]],
                         "%sT09:00:00.000Z" % c[9], "2025-12-15T10:00:00.000Z",
                         "%d Atlas AMRs%s; customer since %s." % (
                             c[7], ", %d Pallas cells" % c[8] if c[8] else "", c[9]),
                         "false"])
        first, last = c[4].split(" ", 1)
        local = c[4].lower().replace(" ", ".").replace("é", "e").replace("ü", "ue")
        contacts.append([con_id[slug], acc_id[slug], first, last, c[5],
                         "%s@%s" % (local, c[1]), user_id[owners[slug]],
                         "%sT09:00:00.000Z" % c[9], "false"])
    prospects = [("nordkap", "Nordkap Seafood", "Prospect", "Cold-chain seafood", "Tromsø",
                  "Norway", "luca", "Ingrid Solberg", "Cold Store Manager",
                  "ingrid.solberg@nordkap-seafood.example"),
                 ("prairie", "Prairie Outfitters", "Prospect", "Outdoor retail", "Denver",
                  "United States", "jose", "Dylan Brooks", "VP Distribution",
                  "dylan.brooks@prairie-outfitters.example")]
    for j, (slug, cname, ctype, industry, city, country, owner, person, title, email) in \
            enumerate(prospects):
        n = len(CUSTOMERS) + j + 1
        acc_id[slug] = sf_id("001", n)
        con_id[slug] = sf_id("003", n)
        accounts.append([acc_id[slug], cname, ctype, industry, city, country, None, None,
                         user_id[owner], "2025-11-20T09:00:00.000Z", "2025-12-18T12:00:00.000Z",
                         None, "false"])
        first, last = person.split(" ", 1)
        contacts.append([con_id[slug], acc_id[slug], first, last, title, email, user_id[owner],
                         "2025-11-20T09:00:00.000Z", "false"])
    write_csv("Account", ["Id", "Name", "Type", "Industry", "BillingCity", "BillingCountry",
                          "Website", "AnnualRevenue", "OwnerId", "CreatedDate",
                          "LastModifiedDate", "Description", "IsDeleted"], accounts)
    write_csv("Contact", ["Id", "AccountId", "FirstName", "LastName", "Title", "Email",
                          "OwnerId", "CreatedDate", "IsDeleted"], contacts)
    # The pipeline of sales/pipeline-2026-h1.json, and deals won before.
    pipeline = json.load(open(os.path.join(DEMO, "sales", "pipeline-2026-h1.json"),
                              encoding="utf-8"))["opportunities"]
    by_name = {CUSTOMERS[s][0]: s for s in CUSTOMERS}
    by_name.update({"Nordkap Seafood": "nordkap", "Prairie Outfitters": "prairie"})
    owner_key = {name(k): k for k in SF_USERS}
    stages = {"discovery": "Prospecting", "qualification": "Qualification",
              "proposal": "Proposal/Price Quote", "negotiation": "Negotiation/Review"}
    opps = []
    opp_id = {}
    for i, o in enumerate(pipeline):
        oid = sf_id("006", i + 1)
        opp_id[o["name"]] = oid
        opps.append([oid, acc_id[by_name[o["account"]]], o["name"], stages[o["stage"]],
                     o["amount_eur"], o["close"], int(o["probability"] * 100), "false", "false",
                     user_id[owner_key[o["owner"]]], "2025-10-01T09:00:00.000Z"])
    won = [("kessler", "Kessler pilot, 10 robots", 176000, "2025-03-14", "luca"),
           ("acme-logistics", "Venlo expansion, 16 robots", 402000, "2024-06-28", "luca"),
           ("harborhome", "Seattle DC go-live", 402000, "2024-07-19", "jose")]
    for j, (slug, oname, amount, close, owner) in enumerate(won):
        oid = sf_id("006", len(pipeline) + j + 1)
        opps.append([oid, acc_id[slug], oname, "Closed Won", amount, close, 100, "true", "true",
                     user_id[owner], "2024-01-15T09:00:00.000Z"])
    write_csv("Opportunity", ["Id", "AccountId", "Name", "StageName", "Amount", "CloseDate",
                              "Probability", "IsClosed", "IsWon", "OwnerId", "CreatedDate"], opps)
    cases = []
    for i, (num, slug, date, prio, status, title, resolution, who) in enumerate(TICKETS):
        closed = status in ("resolved", "closed")
        cases.append([sf_id("500", i + 1), "0000%d" % num, acc_id[slug], con_id[slug],
                      title, "Closed" if closed else "Working",
                      prio.capitalize(), "Email", "true" if closed else "false",
                      resolution or None, user_id["sofia"], date + "T08:00:00.000Z"])
    write_csv("Case", ["Id", "CaseNumber", "AccountId", "ContactId", "Subject", "Status",
                       "Priority", "Origin", "IsClosed", "Description", "OwnerId",
                       "CreatedDate"], cases)
    write_csv("Lead", ["Id", "FirstName", "LastName", "Company", "Title", "Email", "Status",
                       "LeadSource", "OwnerId", "CreatedDate"],
              [[sf_id("00Q", 1), "Ingrid", "Solberg", "Nordkap Seafood", "Cold Store Manager",
                "ingrid.solberg@nordkap-seafood.example", "Converted", "Partner Referral",
                user_id["luca"], "2025-12-18T12:00:00.000Z"],
               [sf_id("00Q", 2), "Mateo", "García", "Sierra Farma", "Director de Logística",
                "mateo.garcia@sierrafarma.example", "Open - Not Contacted", "Web",
                user_id["luca"], "2026-01-08T10:00:00.000Z"]])
    write_csv("Task", ["Id", "WhoId", "WhatId", "Subject", "ActivityDate", "Status", "Priority",
                       "OwnerId", "Description"],
              [[sf_id("00T", 1), con_id["kessler"], opp_id["Pilot conversion to 24 robots"],
                "Send the 24-robot offer to Stefan Brandl", "2025-12-15", "Completed", "High",
                user_id["luca"], "Offer sent on 4 December: 402,000 EUR over three years."],
               [sf_id("00T", 2), con_id["acme-logistics"], opp_id["Rotterdam + Venlo renewal"],
                "Share two weeks of Venlo lift 2 data with Hanna de Vries", "2026-01-09",
                "Not Started", "High", user_id["lena"], None],
               [sf_id("00T", 3), con_id["cobaltpharma"], opp_id["Pallas cold-room cell"],
                "Cold-room validation call with Marc Keller and Camille Durand", "2025-12-16",
                "Completed", "Normal", user_id["luca"], None]])
    write_csv("Event", ["Id", "WhoId", "WhatId", "Subject", "StartDateTime", "EndDateTime",
                        "Location", "OwnerId", "Description"],
              [[sf_id("00U", 1), con_id["kessler"], acc_id["kessler"],
                "On-site review in Augsburg: speed zone data and contract draft",
                "2025-12-18T10:00:00.000Z", "2025-12-18T13:00:00.000Z", "Augsburg",
                user_id["luca"], "Luca Bianchi, Noah Schreiber and Lena Fischer on site."],
               [sf_id("00U", 2), con_id["harborhome"], opp_id["Tacoma DC (2027)"],
                "Tacoma DC discovery workshop", "2026-01-14T17:00:00.000Z",
                "2026-01-14T23:00:00.000Z", "Tacoma", user_id["jose"], None]])


def exports():
    slack_export()
    gmail_export()
    notion_export()
    salesforce_export()


def main():
    clean_previous()
    hr()
    engineering()
    product()
    customers_mail()
    sales()
    meetings()
    website()
    ops()
    finance()
    support()
    exports()
    count = sum(len(f) for _, _, f in os.walk(DEMO))
    print("generated text documents; demo/ now holds %d files" % count)


if __name__ == "__main__":
    main()

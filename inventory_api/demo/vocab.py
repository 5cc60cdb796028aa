"""The demo organisation's vocabularies: names, sites, hardware models, operating systems and software."""

from __future__ import annotations

from datetime import date

FIRST = ("Ada", "Alan", "Anna", "Bruno", "Carla", "Chen", "Dana", "David", "Elena", "Emma", "Fatima", "Felix",
         "Grace", "Hana", "Hugo", "Ines", "Ivan", "Jana", "Jean", "Julia", "Karim", "Lars", "Laura", "Lea", "Lucas",
         "Maria", "Marie", "Mateo", "Mia", "Nadia", "Noah", "Olga", "Omar", "Paul", "Pedro", "Petra", "Rafael",
         "Rosa", "Sara", "Sofia", "Tariq", "Tom", "Yara", "Yusuf", "Zoe")  # fmt: skip
LAST = ("Andersen", "Bauer", "Bernard", "Costa", "Dubois", "Durand", "Fischer", "Garcia", "Girard", "Hansen",
        "Hoffmann", "Ivanova", "Jensen", "Kowalski", "Lambert", "Larsen", "Laurent", "Lefebvre", "Lopez", "Martin",
        "Meyer", "Moreau", "Muller", "Nielsen", "Novak", "Petit", "Richard", "Roux", "Schmidt", "Schneider", "Silva",
        "Simon", "Smith", "Thomas", "Weber", "Wagner", "Wojcik", "Yilmaz", "Zimmermann")  # fmt: skip
DEPARTMENTS = (("Sales", 20), ("Finance", 10), ("Operations", 25), ("R&D", 20), ("HR", 5), ("Legal", 4),
               ("Marketing", 8), ("IT", 8))  # fmt: skip

#: code, name, city, country, IANA zone, DID prefix (fictional numbering ranges).
SITES = (
    ("LYS", "Lyon HQ", "Lyon", "FR", "Europe/Paris", "+33478"),
    ("OSL", "Oslo office", "Oslo", "NO", "Europe/Oslo", "+4722"),
    ("NYC", "New York office", "New York", "US", "America/New_York", "+1212555"),
    ("SIN", "Singapore office", "Singapore", "SG", "Asia/Singapore", "+656"),
    ("MUC", "Munich plant", "Munich", "DE", "Europe/Berlin", "+4989"),
    ("MAD", "Madrid office", "Madrid", "ES", "Europe/Madrid", "+3491"),
)

#: kind → [(manufacturer, model, end of life or None, weight)]; the first computer models of each list are old.
MODELS: dict[str, list[tuple[str, str, date | None, int]]] = {
    "desktop": [
        ("Dell", "OptiPlex 7050", date(2023, 5, 31), 10), ("HP", "EliteDesk 800 G5", None, 25),
        ("Dell", "OptiPlex 7090", None, 30), ("Lenovo", "ThinkCentre M90q", None, 25), ("Dell", "OptiPlex 7010", None, 10),
    ],
    "laptop": [
        ("Lenovo", "ThinkPad T480", date(2024, 6, 30), 10), ("Dell", "Latitude 5420", None, 25),
        ("Lenovo", "ThinkPad T14 Gen 3", None, 30), ("HP", "EliteBook 840 G8", None, 20), ("Apple", "MacBook Pro 14", None, 15),
    ],
    "monitor": [("Dell", "P2422H", None, 50), ("LG", "27UK850", None, 20), ("Samsung", "S24R650", None, 30)],
    "ip_phone": [("Yealink", "T46S", None, 35), ("Yealink", "T54W", None, 40), ("Poly", "VVX 450", date(2025, 3, 31), 25)],
    "docking_station": [("Dell", "WD19", None, 50), ("Lenovo", "ThinkPad USB-C Dock Gen 2", None, 50)],
    "headset": [("Poly", "Voyager Focus 2", None, 60), ("Poly", "Blackwire 5220", None, 40)],
    "webcam": [("Logitech", "C920", None, 100)],
    "printer": [("HP", "LaserJet M507", None, 60), ("Canon", "imageRUNNER C3226", None, 40)],
    "switch": [("Cisco", "Catalyst 9200-48P", None, 100)],
}  # fmt: skip
#: The models that keep coming back for repair (a bad capacitor batch, a flaky Wi-Fi card).
BAD_MODELS = ("EliteDesk 800 G5", "T46S")

#: family, name, version, build, weight (Windows 10 left support on 2025-10-14; some machines still run it).
OPERATING_SYSTEMS = (
    ("windows", "Windows 11 Pro", "23H2", "22631", 45), ("windows", "Windows 11 Pro", "22H2", "22621", 12),
    ("windows", "Windows 10 Pro", "22H2", "19045", 10), ("macos", "macOS", "14.6", "23G80", 10),
    ("macos", "macOS", "12.7", "21H1320", 3), ("linux", "Ubuntu", "24.04", None, 7), ("linux", "Ubuntu", "20.04", None, 3),
)  # fmt: skip
#: (OS name, version or "" for all, end of support): the table the security and upgrade reports read.
OS_SUPPORT = (
    ("Windows 10 Pro", "", date(2025, 10, 14)), ("Windows 11 Pro", "22H2", date(2024, 10, 8)),
    ("Windows 11 Pro", "23H2", date(2025, 11, 11)), ("macOS", "12.7", date(2024, 9, 16)),
    ("Ubuntu", "20.04", date(2025, 5, 31)),
)  # fmt: skip

#: title, publisher, families ("w" Windows, "m" macOS, "l" Linux), share of machines, versions newest first,
#: system component, department it is limited to (None: everyone).
SOFTWARE = (
    ("Microsoft Edge", "Microsoft Corporation", "w", 1.0, ("127.0.2651.74", "126.0.2592.113", "125.0.2535.92"), False, None),
    ("Microsoft 365 Apps for enterprise", "Microsoft Corporation", "wm", 0.95, ("16.0.17726.20160", "16.0.17628.20144"), False, None),
    ("Microsoft Teams", "Microsoft Corporation", "wm", 0.9, ("24193.1805.3040.8975", "24152.412.2958.916"), False, None),
    ("Google Chrome", "Google LLC", "wml", 0.7, ("127.0.6533.89", "126.0.6478.127", "124.0.6367.208", "119.0.6045.160"), False, None),
    ("Mozilla Firefox", "Mozilla", "wml", 0.3, ("128.0.3", "127.0", "115.14.0esr"), False, None),
    ("Adobe Acrobat Reader", "Adobe Inc.", "wm", 0.6, ("24.002.20965", "24.002.20933", "23.008.20470"), False, None),
    ("7-Zip", "Igor Pavlov", "w", 0.55, ("24.07", "23.01", "19.00"), False, None),
    ("Zoom Workplace", "Zoom Video Communications, Inc.", "wml", 0.35, ("6.1.6", "6.0.12", "5.17.11"), False, None),
    ("Cisco Secure Client", "Cisco Systems, Inc.", "wml", 0.5, ("5.1.4.74", "5.0.05040", "4.10.07061"), False, None),
    ("CrowdStrike Falcon Sensor", "CrowdStrike, Inc.", "wml", 0.97, ("7.16.18613.0", "7.15.18511.0"), False, None),
    ("Slack", "Slack Technologies", "wml", 0.2, ("4.39.95", "4.38.125"), False, None),
    ("Notepad++", "Notepad++ Team", "w", 0.25, ("8.6.9", "8.6.2", "8.4.7"), False, None),
    ("VLC media player", "VideoLAN", "wml", 0.3, ("3.0.21", "3.0.20", "3.0.18"), False, None),
    ("Visual Studio Code", "Microsoft Corporation", "wml", 0.8, ("1.92.1", "1.91.1", "1.89.0"), False, "R&D"),
    ("Git", "The Git Development Community", "wml", 0.8, ("2.46.0", "2.45.2", "2.39.2"), False, "R&D"),
    ("Python 3.12", "Python Software Foundation", "wml", 0.6, ("3.12.5", "3.12.4", "3.12.1"), False, "R&D"),
    ("Docker Desktop", "Docker Inc.", "wm", 0.4, ("4.33.1", "4.32.0"), False, "R&D"),
    ("SAP GUI for Windows", "SAP SE", "w", 0.9, ("8.00 PL 9", "7.70 PL 12"), False, "Finance"),
    ("Tableau Desktop", "Tableau Software", "wm", 0.5, ("2024.2.1", "2023.3.5"), False, "Finance"),
    ("Salesforce for Outlook", "Salesforce.com", "w", 0.7, ("3.4.7.0",), False, "Sales"),
    ("Adobe Creative Cloud", "Adobe Inc.", "wm", 0.8, ("6.3.0.207", "6.2.0.554"), False, "Marketing"),
    ("Wireshark", "The Wireshark developer community", "wml", 0.6, ("4.2.6", "4.0.16"), False, "IT"),
    ("PuTTY", "Simon Tatham", "w", 0.7, ("0.81", "0.80", "0.76"), False, "IT"),
    ("Microsoft Visual C++ 2015-2022 Redistributable (x64)", "Microsoft Corporation", "w", 0.98, ("14.40.33810.0", "14.38.33135.0"), True, None),
    ("Microsoft .NET Runtime 8.0", "Microsoft Corporation", "w", 0.85, ("8.0.7", "8.0.6"), True, None),
    ("Microsoft Update Health Tools", "Microsoft Corporation", "w", 0.9, ("5.72.0.0",), True, None),
    ("openssh-client", "Ubuntu Developers", "l", 1.0, ("1:9.6p1-3ubuntu13.5", "1:8.2p1-4ubuntu0.11"), True, None),
    ("libssl3", "Ubuntu Developers", "l", 1.0, ("3.0.13-0ubuntu3.4", "3.0.2-0ubuntu1.17"), True, None),
)  # fmt: skip

NOTES = {
    "repair": ("Reseated the memory and ran diagnostics: passes now.", "Power supply replaced under warranty.",
               "Swapped the handset cord; dial tone back.", "Re-imaged the disk; user data restored from OneDrive.",
               "Vendor case opened, waiting for the part."),
    "move": ("Desk moved, cables labelled, phone re-registered.", "User out until Monday; moving then."),
    "install": ("Imaged and joined to the domain; handed over to the user.", "Laptop and dock set up at the desk."),
    "other": ("Called the user back; done.", "Waiting for the user to confirm."),
}  # fmt: skip
TITLES = {
    "repair": ("{model} does not power on", "{model}: no dial tone", "{model} keeps rebooting",
               "{model} screen flickers", "{model} is very slow"),
    "move": ("Move {person} to room {room}",),
    "install": ("New hire: equipment for {person}", "Laptop for {person}"),
    "add": ("Second monitor for {person}", "Headset for {person}"),
    "change": ("Change class of service of {person}'s extension", "Change VLAN of jack in room {room}"),
    "remove": ("Leaver: collect the equipment of {person}",),
    "upgrade": ("Memory upgrade for {model}", "Replace {model} (end of life)"),
    "other": ("Question from {person}", "Meeting room {room}: check the video set-up"),
}  # fmt: skip

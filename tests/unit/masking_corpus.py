"""The contact-masking corpus: what people write to take a deal off the platform, and what they write innocently.

Each case is a text, whether it holds a contact detail ("contact") or not ("innocent"), and a note. The
evasions start with the playthrough of issue 11 (19 everyday variants: those the issue names, completed with
the plain forms it tried first) and go on with what a person trying to leave would write next, in French and
English; the innocent texts are what a buyer and a seller write about an order — dates, times, prices,
references, sizes, versions, colours, quantities — and messages that name a messenger without giving a contact.

Known misses are kept here, marked ``known miss`` in the note, rather than left out: the recall figure
counts them. tests/unit/test_masking.py runs the whole corpus and prints recall and false positives.
"""

from __future__ import annotations

from dataclasses import dataclass

CONTACT, INNOCENT = "contact", "innocent"


@dataclass(frozen=True)
class Case:
    text: str
    expected: str
    note: str


def contact(text: str, note: str) -> Case:
    return Case(text, CONTACT, note)


def innocent(text: str, note: str) -> Case:
    return Case(text, INNOCENT, note)


ZW = "\u200b"  # zero-width space
NBSP, NNBSP = "\u00a0", "\u202f"

CORPUS: tuple[Case, ...] = (
    # --- the playthrough of issue 11, 19 variants
    contact("Write to me: ben.private@gmail.com", "playthrough 1: a plain e-mail"),
    contact("ben dot private at gmail dot com", "playthrough 2: at and dot spelled"),
    contact("ben.private(at)gmail.com", "playthrough 3: (at)"),
    contact("name@gmail .com", "playthrough 4: a space before the dot"),
    contact("b e n . p r i v a t e @ g m a i l . c o m", "playthrough 5: spaced letters"),
    contact("ben.private＠gmail.com", "playthrough 6: full-width at sign"),
    contact("call +33 6 12 34 56 78", "playthrough 7: an international number"),
    contact("06 12 34 56 78", "playthrough 8: a French mobile in pairs"),
    contact("06/12/34/56/78", "playthrough 9: slashes between the pairs"),
    contact("0612345678", "playthrough 10: ten digits together"),
    contact("instagram.com/ben.private", "playthrough 11: an Instagram link"),
    contact("t.me/benprivate", "playthrough 12: a Telegram link"),
    contact("t.me /benprivate", "playthrough 13: a space before the slash"),
    contact("skype: live:ben.private_1", "playthrough 14: a Skype id"),
    contact("zero six twelve thirty four fifty six seventy eight", "playthrough 15: digits spelled in English"),
    contact("ping me @ben_private", "playthrough 16: a handle"),
    contact("discord.gg/benprivate", "playthrough 17: a Discord invitation"),
    contact("wa.me/33612345678", "playthrough 18: a WhatsApp link"),
    contact("ben.private [at] gmail [dot] com", "playthrough 19: [at] and [dot]"),

    # --- e-mails, disguised
    contact("Écrivez-moi à ana.dupont@gmail.com", "French sentence, plain e-mail"),
    contact("ANA.DUPONT@GMAIL.COM", "upper case"),
    contact("ana.dupont arobase gmail point com", "arobase and point, French"),
    contact("mon mail : ana chez orange point fr", "chez as at, point as dot"),
    contact("ana_b at outlook.fr", "a spelled at with a literal dot and a handle-like name"),
    contact("ana.dupont@gmail", "no top-level domain, a known provider"),
    contact("ana.dupont@g.m.a.i.l.com", "dotted letters in the domain"),
    contact(f"ana{ZW}.dupont@{ZW}gmail{ZW}.com", "zero-width spaces inside"),
    contact("ana at gmаil.com", "Cyrillic а in gmail"),
    contact("ana-at-gmail-dot-com", "at and dot between dashes"),
    contact("ana_at_gmail_dot_com", "at and dot between underscores"),
    contact("ａｎａ．ｄｕｐｏｎｔ＠ｇｍａｉｌ．ｃｏｍ", "every character full-width"),
    contact("my email: ana dot dupont at hotmail dot fr", "English, spelled"),
    contact("ana.dupont (a) gmail.com", "(a) as at"),
    contact("ana.dupont { at } protonmail { dot } ch", "braces with spaces"),
    contact("ana.dupont@𝐠𝐦𝐚𝐢𝐥.𝐜𝐨𝐦", "mathematical bold letters"),
    contact("ana.dupont@gmail.com.", "an e-mail ending a sentence"),
    contact("Mail: ana+orders@studio-ana.fr", "plus tag, hyphenated domain"),

    # --- phone numbers, disguised
    contact("06.12.34.56.78", "dots between the pairs"),
    contact("06-12-34-56-78", "dashes between the pairs"),
    contact("06:12:34:56:78", "colons between the pairs (not a time)"),
    contact("+33 (0)6 12 34 56 78", "international with the trunk zero in parentheses"),
    contact("0033 6 12 34 56 78", "00 international prefix"),
    contact("0 6 1 2 3 4 5 6 7 8", "every digit spaced"),
    contact("zéro six douze trente-quatre cinquante-six soixante-dix-huit", "digits spelled in French, in pairs"),
    contact("zero six one two three four five six seven eight", "digits spelled one by one"),
    contact("06 douze 34 cinquante-six 78", "digits and words mixed"),
    contact("zéro six quatre-vingt-dix-neuf soixante et onze vingt et un dix-sept", "French compounds"),
    contact("٠٦١٢٣٤٥٦٧٨", "Arabic-Indic digits"),
    contact("०६ १२ ३४ ५६ ७८", "Devanagari digits"),
    contact("０６１２３４５６７８", "full-width digits"),
    contact(ZW.join("0612345678"), "zero-width spaces between the digits"),
    contact(f"06{NBSP}12{NBSP}34{NNBSP}56{NNBSP}78", "no-break spaces"),
    contact("+1 (555) 123-4567", "a US number"),
    contact("(555) 123-4567", "a US number without the country"),
    contact("whatsapp +44 7700 900123", "a UK mobile after whatsapp"),
    contact("tel:0612345678", "tel: prefix"),
    contact("tel0612345678", "digits glued to a word"),
    contact("o6 12 34 56 78", "the letter o for zero"),
    contact("06 12 34 56 78 €", "a euro sign to pass as a price"),
    contact("facture 06 12 34 56 78", "a label to pass as a reference"),
    contact("appelle-moi au 07.81.22.33.44 ce soir", "in a French sentence"),
    contact("my number is 612 345 678", "a Spanish mobile, nine digits"),

    # --- links and handles
    contact("https://t.me/anabiz", "a full Telegram link"),
    contact("telegram.me/anabiz", "telegram.me"),
    contact("t dot me slash anabiz", "a spelled link"),
    contact("t . me / anabiz", "a spaced link"),
    contact("www.instagram.com/ana.design/", "www and a trailing slash"),
    contact("facebook.com/ana.dupont", "Facebook"),
    contact("linktr.ee/anadesign", "a link page"),
    contact("discord.com/users/123456789012345678", "a Discord profile link"),
    contact("insta: @ana.design", "a handle after insta:"),
    contact("insta : ana.design", "French spacing, no at sign"),
    contact("mon snap c'est anadesign", "my snap is..., French"),
    contact("add me on snap anadesign", "add me on snap"),
    contact("ajoute-moi sur insta anadesign", "ajoute-moi sur insta"),
    contact("discord: ana_design", "Discord name"),
    contact("discord : anadesign", "a plain name after discord :"),
    contact("my insta is ana_design", "my insta is..."),
    contact("my discord is anadesign", "a plain name after my discord is"),
    contact("ana#1234 on discord", "an old Discord tag"),
    contact("tg: @anabiz", "tg: and a handle"),
    contact("Écris-moi sur Telegram : @anabiz !", "French, handle after a colon"),

    # --- known misses, kept so the recall counts them
    contact("b e n a t g m a i l d o t c o m", "known miss: everything spaced, at and dot included"),
    contact("six one two, three four five, six seven eight", "known miss: spelled digits broken by commas"),
    contact("search anadesign on instagram", "known miss: the name before the messenger, no sign"),

    # --- dates and times
    innocent("Meeting at 2026-03-02 12:30", "playthrough: was masked as […]:30"),
    innocent("Rendez-vous le 02/03/2026 à 12h30", "French date and time"),
    innocent("Delivery on 03/02/26 14:00", "two-digit year followed by a time"),
    innocent("The deadline is 2026-03-02, then 2026-03-09 for revisions", "two ISO dates"),
    innocent("Dates: 02.03.2026, 09.03.2026 and 16.03.2026", "dotted dates"),
    innocent("Week 10 (2026-03-02 to 2026-03-08)", "a week"),
    innocent("Le 12/03 à 14h, puis le 15/03 à 9h30", "day/month without a year"),
    innocent("Time-lapse from 08:00:00 to 17:30:00", "times with seconds"),
    innocent("10% off until 31/12/2026", "a percentage and a date"),
    innocent("Order 5ZE48TKF was delivered on 2026-03-02 at 10:45", "a reference, a date and a time"),
    innocent("le 02/03/2026 10 logos livrés", "a date followed by a quantity"),

    # --- references
    innocent("invoice 2026-00123", "playthrough: an invoice number was masked"),
    innocent("Facture n° 123456789", "facture n°"),
    innocent("order #5ZE48TKF", "an order code"),
    innocent("Commande n° 2026-000451 payée", "commande n°"),
    innocent("Ticket #1234567890", "a ticket number"),
    innocent("SKU 2026001234 restocked", "a SKU"),
    innocent("SIRET 123 456 789 00012", "a SIRET, spaced"),
    innocent("Tracking number: 1Z999AA10123456784", "a parcel tracking number"),
    innocent("Colis suivi n° 6A12345678901", "French tracking number"),
    innocent("Product 4006381333931 (EAN)", "a product's barcode"),
    innocent("Le devis D-2026-0042 est validé", "a quote number"),
    innocent("ISBN 978-2-07-036822-8", "a labelled ISBN"),
    innocent("The book is 978-2-07-036822-8", "an ISBN-13 without its label (check digit valid)"),
    innocent("UUID 550e8400-e29b-41d4-a716-446655440000", "a UUID"),
    innocent("Build 4f2c9e0a1b3d5e7f9a0b2c4d6e8f0a1b", "a hash"),

    # --- prices and quantities
    innocent("Price: 1 250,00 € TTC", "a French price"),
    innocent("$1,250.00 for the full pack", "an English price"),
    innocent("Total : 1.234.567,89 €", "a large price, dots for thousands"),
    innocent("The budget is 2 500 000 000 € over ten years", "billions, spaced, with a unit"),
    innocent("The file is 4 000 000 000 bytes", "a quantity with a unit"),
    innocent("A country of 1 400 000 000 people", "round thousands"),
    innocent("Between 10 000 and 20 000 copies", "quantities"),
    innocent("I need 3 logos, 2 banners and 10 icons", "small quantities"),
    innocent("Sizes 36, 38, 40, 42, 44 and 46", "a list of sizes"),
    innocent("Prices: 12.50 13.20 14.80 15.10", "decimals in a row"),
    innocent("Rate: 4.5/5 from 1 200 reviews", "a rating"),

    # --- versions, colours, sizes, numbers of all sorts
    innocent("Use version v2.10.3 of the plugin", "playthrough list: a version"),
    innocent("Python 3.11.7 and Node 20.10.0", "versions"),
    innocent("Colour #FF8800 for the background, #112233 for text", "hex colours"),
    innocent("Hex colour #FFAA00, RGB 255, 170, 0", "a colour in two notations"),
    innocent("Export at 1920x1080 and 3840 x 2160", "sizes"),
    innocent("Les dimensions : 1080 × 1350 px", "a size with a multiplication sign"),
    innocent("Résolution 300 dpi, format A4 (210 x 297 mm)", "print sizes"),
    innocent("The logo is 300 px wide, version 2.1, ready at 14:30", "the old test's ordinary message"),
    innocent("Coordonnées GPS : 48.8566, 2.3522", "GPS coordinates"),
    innocent("Server at 192.168.100.200 hosts the preview", "an IPv4 address"),
    innocent("Page 12, lines 3 to 8", "page and lines"),
    innocent("ratio 16:9, 24 fps, 1/125 s", "video settings"),
    innocent("L'atelier est au 12 rue de la Paix, 75002 Paris", "a postal address"),
    innocent("Téléchargez le fichier à 21h, il fait 12,5 Mo", "a time and a size"),
    innocent("Zero six drafts so far, two more tomorrow", "number words in a sentence"),
    innocent("Numbers one, two and three are the best drafts", "number words in a list"),

    # --- words that look like at and dot
    innocent("Can you deliver at noon? Look at the point I made in the brief.", "at and point as words"),
    innocent("Look at dribbble.com for inspiration", "a spelled at before a website"),
    innocent("Follow the brand guidelines at brand.example.org/guide.pdf", "a document link"),
    innocent("Reference image: https://example.com/images/logo-v2.png", "an image link"),
    innocent("I'm at the studio until 6 pm", "at as a word"),
    innocent("Chez moi ça marche, et chez vous ?", "chez as a word"),
    innocent("C'est le point numéro un de la liste", "point as a word"),
    innocent("I love the @ symbol in the logo", "a lone at sign"),
    innocent("Ping @everyone when done", "a Discord mention of everyone"),
    innocent("An email address is required on the form", "the word email"),

    # --- messengers named, no contact given
    innocent("I saw your work on Instagram yesterday", "a messenger named"),
    innocent("Do you use Discord or Telegram?", "two messengers named"),
    innocent("My Discord is down today, sorry for the delay", "my discord is... not a name"),
    innocent("My instagram is private, sorry", "my instagram is private"),
    innocent("The logo should look good on Instagram and Snapchat stories", "messengers as places"),
    innocent("Snap the photo at 12:30 please", "snap as a verb"),
    innocent("Instagram: the square format is 1080x1080", "instagram: and a sentence"),
    innocent("Discord, Slack, Teams: any of them shows the logo fine", "a list of apps"),
    innocent("t.me links are not allowed here, right?", "t.me without a name"),
    innocent("Send the files by e-mail? No, upload them here please", "e-mail named"),
    innocent("Call me when you're ready, here in the chat", "call me, no number"),
)

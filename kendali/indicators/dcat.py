"""The catalogue as DCAT-AP (2.1) for harvesters: JSON-LD and Turtle, built from the same
description as the pages and the CKAN API. Satu Data Indonesia → DCAT: judul → dct:title,
deskripsi → dct:description, produsen data → dct:publisher, walidata → dcat:contactPoint,
frekuensi → dct:accrualPeriodicity, cakupan waktu → dct:temporal, cakupan wilayah →
dct:spatial, lisensi → dct:license, kata kunci → dcat:keyword, format → dct:format."""

from __future__ import annotations

import json

from django.urls import reverse

from kendali.core.links import absolute_url
from kendali.indicators import datacatalog
from kendali.indicators.choices import DCAT_FREQUENCY

FREQ = "http://publications.europa.eu/resource/authority/frequency/"
FILETYPE = "http://publications.europa.eu/resource/authority/file-type/"
LANG_ID = "http://publications.europa.eu/resource/authority/language/IND"
NS = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
}


def _dataset_nodes(ds, today=None) -> tuple[dict, list[dict]]:
    meta = datacatalog.metadata(ds, today=today)
    slug = datacatalog.slug(ds.key)
    uri = absolute_url(reverse("opendata:dataset", args=[slug]))
    distributions = []
    for version in datacatalog.versions(ds, today=today):
        for fmt, (media, label) in datacatalog.FORMATS.items():
            url = absolute_url(reverse("opendata:download", args=[slug, version.label, fmt]))
            distributions.append(
                {
                    "@id": url + "#distribusi",
                    "@type": "dcat:Distribution",
                    "dct:title": f"{meta['judul']} — {version.label} ({label})",
                    "dcat:accessURL": {"@id": uri},
                    "dcat:downloadURL": {"@id": url},
                    "dcat:mediaType": media.split(";")[0],
                    "dct:format": {"@id": FILETYPE + label},
                    "dct:license": {"@id": datacatalog.LICENSE_URL},
                    "dct:temporal": {
                        "@type": "dct:PeriodOfTime",
                        "dcat:startDate": {
                            "@value": version.start.isoformat(),
                            "@type": "xsd:date",
                        },
                        "dcat:endDate": {"@value": version.end.isoformat(), "@type": "xsd:date"},
                    },
                }
            )
    contact = meta["kontak"]
    node = {
        "@id": uri,
        "@type": "dcat:Dataset",
        "dct:identifier": ds.key,
        "dct:title": {"@value": meta["judul"], "@language": "id"},
        "dct:description": {"@value": meta["deskripsi"], "@language": "id"},
        "dcat:keyword": [{"@value": k, "@language": "id"} for k in meta["kata_kunci"]],
        "dct:publisher": {
            "@id": absolute_url(f"/opendata/organisasi/{meta['produsen_kode']}"),
            "@type": "foaf:Agent",
            "foaf:name": meta["produsen_data"],
        },
        "dcat:contactPoint": {
            "@id": uri + "#walidata",
            "@type": "vcard:Organization",
            "vcard:fn": contact["nama"],
            **(
                {"vcard:hasEmail": {"@id": "mailto:" + contact["email"]}}
                if contact["email"]
                else {}
            ),
        },
        "dct:accrualPeriodicity": {"@id": FREQ + DCAT_FREQUENCY.get(ds.frequency, "IRREG")},
        "dct:temporal": {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": {"@value": meta["cakupan_waktu"]["mulai"], "@type": "xsd:date"},
            "dcat:endDate": {"@value": meta["cakupan_waktu"]["sampai"], "@type": "xsd:date"},
        },
        "dct:spatial": {"@id": datacatalog.SPATIAL_URI},
        "dct:license": {"@id": datacatalog.LICENSE_URL},
        "dct:language": {"@id": LANG_ID},
        "dcat:landingPage": {"@id": uri},
        "dcat:distribution": [{"@id": d["@id"]} for d in distributions],
    }
    return node, distributions


def catalog_graph(today=None) -> dict:
    base = absolute_url(reverse("opendata:catalog"))
    nodes = []
    ids = []
    for ds in datacatalog.all_datasets():
        node, distributions = _dataset_nodes(ds, today=today)
        nodes.append(node)
        nodes.extend(distributions)
        ids.append({"@id": node["@id"]})
    catalog = {
        "@id": base,
        "@type": "dcat:Catalog",
        "dct:title": {"@value": "Katalog Data Terbuka Kota Serang (Kendali)", "@language": "id"},
        "dct:description": {
            "@value": "Data terbuka yang dihasilkan langsung oleh Kendali, tanpa data pribadi.",
            "@language": "id",
        },
        "dct:publisher": {"@id": absolute_url("/opendata/organisasi/" + datacatalog.WALIDATA)},
        "dct:language": {"@id": LANG_ID},
        "dct:license": {"@id": datacatalog.LICENSE_URL},
        "dcat:dataset": ids,
    }
    return {"@context": NS, "@graph": [catalog, *nodes]}


def as_jsonld(today=None) -> str:
    return json.dumps(catalog_graph(today=today), ensure_ascii=False, indent=1)


# --- Turtle -------------------------------------------------------------------------------


def _literal(value: str) -> str:
    text = (
        str(value)
        .replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    return f'"{text}"'


def _iri(value: str) -> str:
    # IRIREF may not hold these characters (Turtle grammar).
    for ch in '<>"{}|^`\\ ':
        value = value.replace(ch, "%" + format(ord(ch), "02X"))
    return f"<{value}>"


def _term(value, indent: str) -> str:
    if isinstance(value, dict):
        if "@value" in value:
            lit = _literal(value["@value"])
            if "@language" in value:
                return f"{lit}@{value['@language']}"
            if "@type" in value:
                return f"{lit}^^{value['@type']}"
            return lit
        if set(value) == {"@id"}:
            return _iri(value["@id"])
        return _blank(value, indent + "    ")
    return _literal(value)


def _blank(node: dict, indent: str) -> str:
    parts = []
    if "@type" in node:
        parts.append(f"a {node['@type']}")
    for key, value in node.items():
        if key in ("@type", "@id"):
            continue
        values = value if isinstance(value, list) else [value]
        if not values:
            continue
        parts.append(f"{key} " + ", ".join(_term(v, indent) for v in values))
    body = (" ;\n" + indent).join(parts)
    return f"[\n{indent}{body}\n{indent[:-4]}]"


def as_turtle(today=None) -> str:
    graph = catalog_graph(today=today)
    lines = [f"@prefix {p}: <{uri}> ." for p, uri in NS.items()]
    lines.append("")
    for node in graph["@graph"]:
        parts = [f"a {node['@type']}"]
        for key, value in node.items():
            if key in ("@type", "@id"):
                continue
            values = value if isinstance(value, list) else [value]
            if not values:
                continue
            parts.append(f"{key} " + ", ".join(_term(v, "        ") for v in values))
        lines.append(_iri(node["@id"]) + "\n    " + " ;\n    ".join(parts) + " .\n")
    return "\n".join(lines)

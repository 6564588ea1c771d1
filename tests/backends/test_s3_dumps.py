"""`entitybase dump --out s3://bucket/prefix`: the dump and its checksum land in S3."""

import gzip
import hashlib
import json

from entitybase.cli.main import main
from entitybase.model import Item, Term
from entitybase.service import open_service
from entitybase.store.s3 import S3Blobs

from .conftest import EDITOR


def test_dump_to_s3(s3_server, tmp_path, capsys):
    service = open_service(tmp_path / "data")
    for n in range(3):
        service.create(Item(labels={"en": Term("en", f"dumped {n}")}), user=EDITOR)
    service.close()
    url = s3_server.new_url()
    assert main(["dump", "--format", "json", "--out", url, "--data",
                 str(tmp_path / "data")]) == 0
    name = capsys.readouterr().out.strip().splitlines()[-1]
    s3 = S3Blobs(url)
    data = s3.get_object(name)
    assert s3.get_object(f"{name}.sha256").decode().split()[0] == hashlib.sha256(data).hexdigest()
    assert json.loads(s3.get_object(f"{name}.meta.json"))["entities"] == 3
    text = gzip.decompress(data).decode()
    assert all(f'"Q{n}"' in text for n in (1, 2, 3))

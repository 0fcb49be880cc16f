"""A valid pure-Python wheel of about SIZE bytes (one stored member of random bytes), streamed
to disk without holding it in memory. Prints the wheel's path. Usage: gen-wheel.py DIR SIZE"""
import base64, hashlib, os, sys, zipfile

out_dir, size = sys.argv[1], int(sys.argv[2])
name, version = "benchpkg", "1.0.0"
dist_info = f"{name}-{version}.dist-info"
path = os.path.join(out_dir, f"{name}-{version}-py3-none-any.whl")
metadata = (
    f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: benchmark payload\n"
    "Description-Content-Type: text/markdown\n\nA benchmark wheel.\n"
).encode()
wheel = b"Wheel-Version: 1.0\nGenerator: bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n"


def rec(data_hash, n):
    return "sha256=" + base64.urlsafe_b64encode(data_hash).rstrip(b"=").decode() + f",{n}"


records = []
with zipfile.ZipFile(path + ".tmp", "w", zipfile.ZIP_STORED) as z:
    h, left = hashlib.sha256(), size
    with z.open(f"{name}/payload.bin", "w", force_zip64=size > 2**31) as f:
        while left:
            chunk = os.urandom(min(left, 1 << 22))
            h.update(chunk)
            f.write(chunk)
            left -= len(chunk)
    records.append(f"{name}/payload.bin,{rec(h.digest(), size)}")
    for member, data in ((f"{name}/__init__.py", b""), (f"{dist_info}/METADATA", metadata), (f"{dist_info}/WHEEL", wheel)):
        z.writestr(member, data)
        records.append(f"{member},{rec(hashlib.sha256(data).digest(), len(data))}")
    records.append(f"{dist_info}/RECORD,,")
    z.writestr(f"{dist_info}/RECORD", "\n".join(records) + "\n")
os.replace(path + ".tmp", path)
print(path)

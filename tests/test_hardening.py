"""Bad input to every CLI command: one line on stderr, exit 2 (bad input) or 1 (no solution),
never a traceback, never a hang."""

import subprocess
import sys

import pytest

TIMEOUT = 120


def run(*args):
    p = subprocess.run([sys.executable, "-m", "qsym.cli.app", *args], capture_output=True, text=True,
                       timeout=TIMEOUT)
    return p.returncode, p.stdout, p.stderr


CUBIC = "phi**2/2 - phi**3"
QUARTIC = "M**2*phi**2/2 - A*phi**3 + lam*phi**4"

BAD = [  # (args, expected exit code)
    (["series", "mass", "--order", "99999999999999999999"], 2),
    (["series", "omega", "--order", "nan"], 2),
    (["reproduce", "--out", "/proc/qsym-not-writable"], 2),
    (["reproduce", "--section", "0"], 2),
    (["bounce", "--potential", "phi**2/2 - phi**3 +", "--field", "phi"], 2),
    (["bounce", "--potential", CUBIC, "--field", "x"], 2),
    (["bounce", "--potential", CUBIC, "--field", "phi", "--dps", "5"], 2),
    (["bounce", "--potential", CUBIC, "--field", "phi", "--dps", "abc"], 2),
    (["bounce", "--potential", CUBIC, "--field", "phi", "--dim", "1"], 2),
    (["bounce", "--potential", "phi**2/2 + phi**4", "--field", "phi"], 1),
    (["bounce", "--potential", "phi**2/2 - A*phi**3", "--field", "phi", "--param", "A=nan"], 2),
    (["bounce", "--potential", "phi**2/2 - A*phi**3", "--field", "phi", "--param", "A=inf"], 2),
    (["bounce", "--potential", "phi**2/2 - A*phi**3", "--field", "phi", "--param", "A"], 2),
    (["bounce", "--potential", "phi**2/2 - A*phi**3", "--field", "phi"], 2),
    (["bounce", "--potential", "1 + phi**2/2 - phi**3", "--field", "phi"], 2),
    (["bounce", "--potential", "-phi**2/2 + phi**4", "--field", "phi"], 2),
    (["bounce", "--potential", "(x**2+y**2)/2 - x**3", "--fields", "x,y", "--charges", "1"], 2),
    (["bounce", "--potential", "(x**2+y**2)/2 - x**3", "--fields", "x,y,z"], 2),
    (["bounce", "--potential", "(x**2+y**2)/2 + x**4 + y**4", "--fields", "x,y", "--dps", "20"], 1),
    (["mu2", "--potential", "H**2 + L**2 - 4*H*L", "--fields", "H,L", "--charges", "0,1,1"], 2),
    (["mssm", "--param", "A=nan"], 2),
    (["mssm", "threshold", "--scan", "nonsense"], 2),
    (["qball", "--potential", QUARTIC, "--field", "phi", "--param", "M=1", "--param", "A=1",
      "--param", "lam=0.6", "--charge", "-3"], 2),
    (["qball", "--potential", QUARTIC, "--field", "phi", "--param", "M=1", "--param", "A=1",
      "--param", "lam=0.6", "--charge", "0"], 2),
    (["qball", "--potential", QUARTIC, "--field", "phi", "--param", "M=1", "--param", "A=1",
      "--param", "lam=0.6", "--charge", "ten"], 2),
    (["qball", "--potential", "phi**2/2 + phi**4", "--field", "phi", "--charge", "10"], 1),
    (["qball", "--potential", QUARTIC, "--field", "phi", "--param", "M=1", "--param", "A=1",
      "--param", "lam=0.4", "--charge", "10"], 2),      # deeper vacuum: beta < 1/2
    (["qball", "--potential", QUARTIC, "--field", "phi", "--param", "M=1", "--param", "A=1",
      "--param", "lam=0.6", "--charge", "10", "--dps", "3"], 2),
]


@pytest.mark.parametrize("args,code", BAD, ids=[" ".join(a[:1] + a[-2:]) for a, _ in BAD])
def test_bad_input(args, code):
    rc, out, err = run(*args)
    assert "Traceback" not in err, err
    assert out == ""
    assert rc == code, (rc, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("qsym: error:"), err

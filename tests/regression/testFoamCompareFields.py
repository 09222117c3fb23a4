#!/usr/bin/env python3
# -----------------------------------------------------------------------------
# pinnFoam: tests/regression/testFoamCompareFields.py
#
# Description
#     Self-test of bin/foamCompareFields on tiny synthetic field files whose
#     errors are known by hand: parsing (header, comments, uniform, nonuniform,
#     'N{value}', vectors, gzip), the error norms, --latest, tolerances and the
#     exit status on bad input.
#
# Usage
#     python3 tests/regression/testFoamCompareFields.py [-v]
# -----------------------------------------------------------------------------

import gzip
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

TOOL = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                    '..', '..', 'bin', 'foamCompareFields')

HEADER = r"""/*--------------------------------*- C++ -*----------------------------------*\
| =========                 |                                                 |
| \\      /  F ield         | OpenFOAM: The Open Source CFD Toolbox           |
\*---------------------------------------------------------------------------*/
FoamFile
{
    version     2.0;
    format      %s;
    class       %s;
    location    "0";
    object      T;
}
// * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * //

dimensions      [0 0 0 1 0 0 0];

"""

BOUNDARY = """
boundaryField
{
    // a comment with internalField uniform 99; inside
    top
    {
        type            fixedValue;
        value           nonuniform List<scalar> 2(100 200);
    }
    /* block comment
       internalField uniform 77; */
    bottom
    {
        type            zeroGradient;
    }
}

// ************************************************************************* //
"""


def field_file(internal, cls='volScalarField', fmt='ascii'):
    return HEADER % (fmt, cls) + 'internalField   ' + internal + '\n' + BOUNDARY


def scalar_list(values, one_line=False):
    sep = ' ' if one_line else '\n'
    return ('nonuniform List<scalar> %s%d%s(%s%s%s);'
            % (sep, len(values), sep, sep, sep.join(repr(v) for v in values), sep))


def parse_summary(out):
    """relL2, maxAbs, maxRel from the one-line summary"""
    m = re.search(r'relL2 (\S+) maxAbs (\S+) maxRel (\S+)', out)
    if not m:
        raise AssertionError('no summary line in:\n' + out)
    return tuple(float(v) for v in m.groups())


class TestFoamCompareFields(unittest.TestCase):

    def assertClose(self, printed, exact):
        # The tool prints 7 significant digits
        self.assertLessEqual(abs(printed - exact), 1e-6*abs(exact) + 1e-300,
                             '%r != %r' % (printed, exact))

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix='foamCompareFields.')

    def tearDown(self):
        shutil.rmtree(self.dir)

    def write(self, rel, text, compress=False):
        path = os.path.join(self.dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if compress:
            with gzip.open(path + '.gz', 'wt') as f:
                f.write(text)
        else:
            with open(path, 'w') as f:
                f.write(text)
        return path

    def run_tool(self, *args):
        p = subprocess.run([sys.executable, TOOL] + list(args),
                           cwd=self.dir, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True)
        return p.returncode, p.stdout, p.stderr

    # ---- error norms ----------------------------------------------------

    def test_known_errors_nonuniform(self):
        ref = [1.0, 2.0, 3.0, 4.0]
        fld = [1.1, 2.0, 2.8, 4.0]
        a = self.write('a/T', field_file(scalar_list(fld)))
        b = self.write('b/T', field_file(scalar_list(ref, one_line=True)))
        rc, out, err = self.run_tool(a, b)
        self.assertEqual(rc, 0, err)
        l2, mx, mrel = parse_summary(out)
        self.assertClose(l2, math.sqrt(0.01 + 0.04)/math.sqrt(30))
        self.assertClose(mx, 0.2)
        self.assertClose(mrel, 0.2/4.0)
        self.assertIn('(cell 2)', out)
        self.assertIn('values             : 4', out)

    def test_normalised_rms_ignores_offset(self):
        # T in kelvin: the same error on 1000 + ref gives the same nRMS,
        # RMS(d)/(max ref - min ref) = sqrt(0.05/4)/3, while relL2 shrinks
        for offset in (0.0, 1000.0):
            ref = [offset + v for v in (1.0, 2.0, 3.0, 4.0)]
            fld = [offset + v for v in (1.1, 2.0, 2.8, 4.0)]
            a = self.write('a/T', field_file(scalar_list(fld)))
            b = self.write('b/T', field_file(scalar_list(ref)))
            rc, out, err = self.run_tool(a, b, '--tol-nrms', '0.04')
            self.assertEqual(rc, 0, err)
            m = re.search(r'nRMS (\S+) PASS', out)
            self.assertIsNotNone(m, out)
            self.assertClose(float(m.group(1)), math.sqrt(0.05/4)/3.0)
        rc, out, err = self.run_tool(a, b, '--tol-nrms', '0.03')
        self.assertEqual(rc, 1, out)
        self.assertIn('nRMS', out)

    def test_identical_fields_have_zero_error(self):
        vals = [0.5, -1.25e-3, 3e2]
        a = self.write('a/T', field_file(scalar_list(vals)))
        rc, out, _ = self.run_tool(a, a, '--tol-l2', '0', '--tol-max', '0')
        self.assertEqual(rc, 0)
        self.assertEqual(parse_summary(out), (0.0, 0.0, 0.0))
        self.assertIn('PASS', out)

    def test_uniform_against_nonuniform(self):
        # The boundaryField's 'uniform 99' / '77' in comments must be ignored
        a = self.write('a/T', field_file('uniform 2;'))
        b = self.write('b/T', field_file(scalar_list([1.0, 2.0, 4.0])))
        rc, out, err = self.run_tool(a, b)
        self.assertEqual(rc, 0, err)
        l2, mx, mrel = parse_summary(out)
        self.assertClose(l2, math.sqrt(1 + 0 + 4)/math.sqrt(21))
        self.assertClose(mx, 2.0)
        self.assertClose(mrel, 0.5)

    def test_compact_uniform_list(self):
        a = self.write('a/T', field_file('nonuniform List<scalar> 3{1.5};'))
        b = self.write('b/T', field_file(scalar_list([1.5, 1.5, 1.0])))
        rc, out, err = self.run_tool(a, b)
        self.assertEqual(rc, 0, err)
        l2, mx, _ = parse_summary(out)
        self.assertClose(mx, 0.5)
        self.assertClose(l2, 0.5/math.sqrt(1.5**2*2 + 1))

    def test_vector_field(self):
        a = self.write('a/U', field_file(
            'nonuniform List<vector> 2((1 0 0) (0 3 4));', 'volVectorField'))
        b = self.write('b/U', field_file(
            'nonuniform List<vector> 2((1 0 0) (0 0 0));', 'volVectorField'))
        rc, out, err = self.run_tool(b, a)
        self.assertEqual(rc, 0, err)
        l2, mx, mrel = parse_summary(out)
        self.assertClose(mx, 5.0)
        self.assertClose(l2, 5.0/math.sqrt(26))
        self.assertClose(mrel, 1.0)

    def test_gzip_field(self):
        a = self.write('a/T', field_file(scalar_list([1.0, 2.0])), compress=True)
        b = self.write('b/T', field_file(scalar_list([1.0, 1.0])))
        rc, out, err = self.run_tool(a, b)     # 'a/T' is read from 'a/T.gz'
        self.assertEqual(rc, 0, err)
        self.assertClose(parse_summary(out)[1], 1.0)

    # ---- tolerances and exit status -------------------------------------

    def test_tolerance_exit_status(self):
        a = self.write('a/T', field_file(scalar_list([1.0, 1.0])))
        b = self.write('b/T', field_file(scalar_list([1.0, 1.1])))
        l2 = 0.1/math.sqrt(1 + 1.21)
        rc, out, _ = self.run_tool(a, b, '--tol-l2', repr(l2*1.01), '--label', 'lbl')
        self.assertEqual(rc, 0)
        self.assertRegex(out, r'(?m)^lbl: relL2 .* PASS')
        rc, out, _ = self.run_tool(a, b, '--tol-l2', repr(l2*0.99), '--label', 'lbl')
        self.assertEqual(rc, 1)
        self.assertIn('FAIL', out)
        rc, out, _ = self.run_tool(a, b, '--tol-max', '0.05')
        self.assertEqual(rc, 1)
        rc, out, _ = self.run_tool(a, b, '--tol-max', '0.15')
        self.assertEqual(rc, 0)

    def test_size_mismatch_is_an_error(self):
        a = self.write('a/T', field_file(scalar_list([1.0, 2.0, 3.0])))
        b = self.write('b/T', field_file(scalar_list([1.0, 2.0])))
        rc, _, err = self.run_tool(a, b, '--tol-l2', '1e9')
        self.assertEqual(rc, 2)
        self.assertIn('not the same mesh', err)

    def test_declared_size_must_match_list(self):
        a = self.write('a/T', field_file('nonuniform List<scalar> 3(1 2);'))
        rc, _, err = self.run_tool(a, a)
        self.assertEqual(rc, 2)
        self.assertIn('says 3 values but holds 2', err)

    def test_binary_is_refused(self):
        a = self.write('a/T', field_file('uniform 1;', fmt='binary'))
        rc, _, err = self.run_tool(a, a)
        self.assertEqual(rc, 2)
        self.assertIn('ascii', err)

    def test_missing_file_and_bad_usage(self):
        a = self.write('a/T', field_file('uniform 1;'))
        rc, _, err = self.run_tool(a, os.path.join(self.dir, 'nope/T'))
        self.assertEqual(rc, 2)
        self.assertIn('no such field file', err)
        rc, _, _ = self.run_tool(a)
        self.assertEqual(rc, 2)
        rc, _, _ = self.run_tool(a, a, '--tol-l2', 'abc')
        self.assertEqual(rc, 2)
        rc, _, _ = self.run_tool(a, a, '--bogus')
        self.assertEqual(rc, 2)

    def test_non_finite_values_are_an_error(self):
        a = self.write('a/T', field_file('nonuniform List<scalar> 2(1 nan);'))
        b = self.write('b/T', field_file(scalar_list([1.0, 1.0])))
        rc, _, err = self.run_tool(a, b)
        self.assertEqual(rc, 2)

    # ---- --latest -------------------------------------------------------

    def test_latest_time_directory(self):
        for t, v in (('0', 0.0), ('100', 1.0), ('1e+03', 3.0), ('999.5', 2.0)):
            self.write('case/%s/T' % t, field_file('uniform %g;' % v))
        self.write('case/constant/T', field_file('uniform 50;'))
        os.makedirs(os.path.join(self.dir, 'case', 'system'))
        self.write('ref/0/T', field_file(scalar_list([3.0, 3.0])))
        rc, out, err = self.run_tool('--latest', 'case', 'T', '--latest', 'ref', 'T',
                                     '--tol-max', '0')
        self.assertEqual(rc, 0, err + out)
        self.assertIn(os.path.join('case', '1e+03', 'T'), out)
        rc, _, err = self.run_tool('--latest', 'nocase', 'T', 'ref/0/T')
        self.assertEqual(rc, 2)

    def test_on_a_real_openfoam_file_layout(self):
        # Layout as OpenFOAM writes it: list size and brackets on own lines
        text = field_file('nonuniform List<scalar> \n4\n(\n0.1\n0.2\n-0.3\n4e-1\n)\n;')
        a = self.write('a/T', text)
        b = self.write('b/T', field_file('uniform 0;'))
        rc, out, err = self.run_tool(a, b)
        # reference zero: relative errors are infinite, the run still reports
        self.assertEqual(rc, 0, err)
        l2, mx, _ = parse_summary(out)
        self.assertEqual(l2, math.inf)
        self.assertClose(mx, 0.4)


if __name__ == '__main__':
    unittest.main()

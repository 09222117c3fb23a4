/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
-------------------------------------------------------------------------------
Description
    Tests of Foam::pinnVtkWriter: fields with known values (phi = x + 2y + 3z
    and U = C at cell and face centres) written on the committed cases and a
    mesh of pyramids made here, then read back with VTK's own XML readers:
    point and cell counts, cell types (hexahedra, wedges, pyramids, tetrahedra,
    polyhedra with their faces), the cells' geometry (volume from VTK's faces
    of each cell equals that from OpenFOAM's outward faces: vertex order and
    orientation), every cell and patch value exactly (Float64), binary
    (appended, zlib) and ascii, the .series JSON, the collocation points, and
    the errors: bad dictionary entries, an unwritable directory.

\*---------------------------------------------------------------------------*/

// VTK before OpenFOAM (OpenFOAM's macros stay out of VTK's headers)
#include <vtkCell.h>
#include <vtkCellData.h>
#include <vtkCellType.h>
#include <vtkCompositeDataSet.h>
#include <vtkDataArray.h>
#include <vtkGenericCell.h>
#include <vtkInformation.h>
#include <vtkMultiBlockDataSet.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkSmartPointer.h>
#include <vtkUnstructuredGrid.h>
#include <vtkXMLMultiBlockDataReader.h>
#include <vtkXMLPolyDataReader.h>
#include <vtkXMLUnstructuredGridReader.h>
#include <vtk_jsoncpp.h>

#include "testCases.H"
#include "pinnVtkWriter.H"
#include "volFields.H"
#include "wallPolyPatch.H"
#include "emptyPolyPatch.H"
#include "cellModel.H"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <vector>

using namespace Foam;
using pinnTest::foamCase;
namespace fs = std::filesystem;

namespace
{

const char* const allCases[] = {"hex2D", "hex3D", "prism2D", "tet3D", "poly3D"};


//- A fresh temporary directory, removed at the end of the test
struct tempDir
{
    fs::path path;

    tempDir()
    {
        std::string tmpl =
            (fs::temp_directory_path()/"pinnVtkWriterTest-XXXXXX").string();
        if (!mkdtemp(tmpl.data()))
        {
            throw std::runtime_error("mkdtemp failed");
        }
        path = tmpl;
    }

    ~tempDir()
    {
        std::error_code ec;
        fs::remove_all(path, ec);
    }

    fileName operator/(const std::string& s) const
    {
        return fileName((path/s).string());
    }
};


//- Text of a file
std::string readText(const fs::path& file)
{
    std::ifstream is(file);
    std::stringstream ss;
    ss << is.rdbuf();
    return ss.str();
}


//- The 'vtk' dictionary of the tests
dictionary vtkDict(const fileName& dir, const word& format = "binary")
{
    dictionary d;
    d.add("directory", dir);
    d.add("format", format);
    return d;
}


//- Fields with known values: phi = x + 2y + 3z, U = C (cells and faces)
struct knownFields
{
    volScalarField phi;
    volVectorField U;

    explicit knownFields(const fvMesh& mesh)
    :
        phi
        (
            "phi",
            mesh.C().component(0)
          + 2*mesh.C().component(1)
          + 3*mesh.C().component(2)
        ),
        U("U", mesh.C())
    {}

    UPtrList<const volScalarField> scalars() const
    {
        UPtrList<const volScalarField> l(1);
        l.set(0, &phi);
        return l;
    }

    UPtrList<const volVectorField> vectors() const
    {
        UPtrList<const volVectorField> l(1);
        l.set(0, &U);
        return l;
    }
};


//- Name of block i of a multiblock
std::string blockName(vtkMultiBlockDataSet* mb, const unsigned i)
{
    if (!mb->HasMetaData(i))
    {
        return "";
    }
    const char* n = mb->GetMetaData(i)->Get(vtkCompositeDataSet::NAME());
    return n ? n : "";
}


//- Read a .vtm
vtkSmartPointer<vtkMultiBlockDataSet> readVtm(const fileName& file)
{
    auto reader = vtkSmartPointer<vtkXMLMultiBlockDataReader>::New();
    reader->SetFileName(file.c_str());
    reader->Update();
    vtkSmartPointer<vtkMultiBlockDataSet> mb =
        vtkMultiBlockDataSet::SafeDownCast(reader->GetOutput());
    return mb;
}


//- Signed volume enclosed by faces (point loops, right-handed outward),
//  each face triangulated about its vertex average, about the reference c
double enclosedVolume
(
    const std::vector<std::vector<point>>& faces,
    const point& c
)
{
    double v = 0;
    for (const std::vector<point>& f : faces)
    {
        point fc(Zero);
        for (const point& p : f)
        {
            fc += p;
        }
        fc /= f.size();
        for (std::size_t i = 0; i < f.size(); ++i)
        {
            const vector a = fc - c;
            const vector b = f[i] - c;
            const vector d = f[(i + 1) % f.size()] - c;
            v += (a & (b ^ d))/6;
        }
    }
    return v;
}


//- Expect an array of the given name to be Float64 and to equal values
template<class Type>
void expectArray
(
    vtkDataArray* array,
    const UList<Type>& values,
    const std::string& what
)
{
    ASSERT_TRUE(array) << what << ": no array";
    EXPECT_EQ(array->GetDataType(), VTK_DOUBLE) << what;
    ASSERT_EQ(array->GetNumberOfTuples(), values.size()) << what;
    ASSERT_EQ(array->GetNumberOfComponents(), int(pTraits<Type>::nComponents))
        << what;
    label bad = 0;
    forAll(values, i)
    {
        for (direction d = 0; d < pTraits<Type>::nComponents; ++d)
        {
            if (array->GetComponent(i, d) != component(values[i], d))
            {
                ++bad;
            }
        }
    }
    EXPECT_EQ(bad, 0) << what << ": values differ from the field";
}


//- Expected VTK type of a cell from its OpenFOAM shape
int expectedType(const cellShape& shape)
{
    const cellModel& model = shape.model();
    if (model == cellModel::ref(cellModel::HEX)) return VTK_HEXAHEDRON;
    if (model == cellModel::ref(cellModel::PRISM)) return VTK_WEDGE;
    if (model == cellModel::ref(cellModel::PYR)) return VTK_PYRAMID;
    if (model == cellModel::ref(cellModel::TET)) return VTK_TETRA;
    return VTK_POLYHEDRON;
}


//- Check the internal mesh read back against the mesh and the fields;
//  returns the count of each cell type
std::map<int, label> checkGrid
(
    const fvMesh& mesh,
    vtkUnstructuredGrid* grid,
    const knownFields& fields,
    const std::string& what
)
{
    std::map<int, label> types;
    EXPECT_TRUE(grid) << what << ": no unstructured grid";
    if (!grid)
    {
        return types;
    }

    // Points: exactly the mesh's
    EXPECT_EQ(grid->GetNumberOfPoints(), mesh.nPoints()) << what;
    EXPECT_EQ(grid->GetPoints()->GetDataType(), VTK_DOUBLE) << what;
    label badPoints = 0;
    const label nPoints = min(mesh.nPoints(), label(grid->GetNumberOfPoints()));
    for (label i = 0; i < nPoints; ++i)
    {
        double x[3];
        grid->GetPoint(i, x);
        const point& p = mesh.points()[i];
        if (x[0] != p.x() || x[1] != p.y() || x[2] != p.z())
        {
            ++badPoints;
        }
    }
    EXPECT_EQ(badPoints, 0) << what;

    EXPECT_EQ(grid->GetNumberOfCells(), mesh.nCells()) << what;
    if (grid->GetNumberOfCells() != mesh.nCells())
    {
        return types;
    }

    // Cells: type, faces, and the volume VTK's faces enclose equal to that
    // of OpenFOAM's outward faces
    vtkNew<vtkGenericCell> vc;
    label badType = 0, badFaces = 0, badVolume = 0;
    for (label celli = 0; celli < mesh.nCells(); ++celli)
    {
        const int type = grid->GetCellType(celli);
        ++types[type];
        if (type != expectedType(mesh.cellShapes()[celli]))
        {
            ++badType;
        }

        const cell& c = mesh.cells()[celli];
        std::vector<std::vector<point>> foamFaces;
        for (const label facei : c)
        {
            face f = mesh.faces()[facei];
            if (mesh.faceOwner()[facei] != celli)
            {
                f.flip();
            }
            std::vector<point> loop;
            for (const label pi : f)
            {
                loop.push_back(mesh.points()[pi]);
            }
            foamFaces.push_back(loop);
        }

        grid->GetCell(celli, vc);
        if (type == VTK_POLYHEDRON && vc->GetNumberOfFaces() != c.size())
        {
            ++badFaces;
        }
        std::vector<std::vector<point>> vtkFaces;
        for (int k = 0; k < vc->GetNumberOfFaces(); ++k)
        {
            vtkCell* f = vc->GetFace(k);
            std::vector<point> loop;
            for (vtkIdType j = 0; j < f->GetNumberOfPoints(); ++j)
            {
                double x[3];
                f->GetPoints()->GetPoint(j, x);
                loop.push_back(point(x[0], x[1], x[2]));
            }
            vtkFaces.push_back(loop);
        }

        // Same triangulation of the same face loops: equal to rounding.
        // mesh.V() is only a sanity check of the reference: OpenFOAM
        // triangulates about area-weighted face centres, which differ from
        // the vertex averages on the warped faces of poly3D (~3e-4 of V)
        const point& cc = mesh.C()[celli];
        const double vFoam = enclosedVolume(foamFaces, cc);
        const double vVtk = enclosedVolume(vtkFaces, cc);
        if
        (
            vFoam <= 0
         || mag(vVtk - vFoam) > 1e-12*vFoam
         || mag(vFoam - mesh.V()[celli]) > 1e-2*mesh.V()[celli]
        )
        {
            ++badVolume;
            if (badVolume <= 3)
            {
                ADD_FAILURE()
                    << what << " cell " << celli << " type " << type
                    << ": volume from VTK's faces " << vVtk
                    << ", from OpenFOAM's " << vFoam
                    << ", mesh.V() " << mesh.V()[celli];
            }
        }
    }
    EXPECT_EQ(badType, 0) << what;
    EXPECT_EQ(badFaces, 0) << what;
    EXPECT_EQ(badVolume, 0) << what;

    // Cell data
    expectArray
    (
        grid->GetCellData()->GetArray("phi"),
        fields.phi.primitiveField(),
        what + " phi"
    );
    expectArray
    (
        grid->GetCellData()->GetArray("U"),
        fields.U.primitiveField(),
        what + " U"
    );
    vtkDataArray* t = grid->GetFieldData()->GetArray("TimeValue");
    EXPECT_TRUE(t) << what;
    return types;
}


//- Check the boundary block against the patches and the fields
void checkBoundary
(
    const fvMesh& mesh,
    vtkMultiBlockDataSet* boundary,
    const knownFields& fields,
    const std::string& what
)
{
    ASSERT_TRUE(boundary) << what << ": no boundary block";

    // Patches expected: with faces, not empty, not processor
    std::vector<label> expected;
    for (const polyPatch& pp : mesh.boundaryMesh())
    {
        if (pp.size() && !isA<emptyPolyPatch>(pp))
        {
            expected.push_back(pp.index());
        }
    }
    ASSERT_EQ(boundary->GetNumberOfBlocks(), expected.size()) << what;

    for (std::size_t b = 0; b < expected.size(); ++b)
    {
        const polyPatch& pp = mesh.boundaryMesh()[expected[b]];
        const std::string pwhat = what + " patch " + pp.name();
        EXPECT_EQ(blockName(boundary, b), pp.name()) << pwhat;
        vtkPolyData* poly = vtkPolyData::SafeDownCast(boundary->GetBlock(b));
        ASSERT_TRUE(poly) << pwhat;
        EXPECT_EQ(poly->GetNumberOfPolys(), pp.size()) << pwhat;
        EXPECT_EQ(poly->GetNumberOfCells(), pp.size()) << pwhat;
        ASSERT_EQ(poly->GetNumberOfPoints(), pp.nPoints()) << pwhat;

        // Faces: the patch's local faces
        label badFace = 0;
        vtkNew<vtkGenericCell> vc;
        forAll(pp, facei)
        {
            poly->GetCell(facei, vc);
            const face& f = pp.localFaces()[facei];
            if (vc->GetNumberOfPoints() != f.size())
            {
                ++badFace;
                continue;
            }
            forAll(f, fp)
            {
                if (vc->GetPointId(fp) != f[fp])
                {
                    ++badFace;
                    break;
                }
            }
        }
        EXPECT_EQ(badFace, 0) << pwhat;
        label badPoint = 0;
        forAll(pp.localPoints(), i)
        {
            double x[3];
            poly->GetPoint(i, x);
            const point& p = pp.localPoints()[i];
            if (x[0] != p.x() || x[1] != p.y() || x[2] != p.z())
            {
                ++badPoint;
            }
        }
        EXPECT_EQ(badPoint, 0) << pwhat;

        expectArray
        (
            poly->GetCellData()->GetArray("phi"),
            fields.phi.boundaryField()[pp.index()],
            pwhat + " phi"
        );
        expectArray
        (
            poly->GetCellData()->GetArray("U"),
            fields.U.boundaryField()[pp.index()],
            pwhat + " U"
        );
    }
}


//- Write the known fields at an iteration and check everything read back;
//  returns the cell type counts
std::map<int, label> writeAndCheck
(
    const fvMesh& mesh,
    const fileName& dir,
    const word& format,
    const label iteration,
    const std::string& what
)
{
    knownFields fields(mesh);
    pinnVtkWriter writer(mesh, vtkDict(dir, format));
    writer.checkWritable();
    writer.write
    (
        Foam::name(iteration), iteration, fields.scalars(), fields.vectors()
    );

    const fileName vtm = writer.meshFile(iteration);
    EXPECT_TRUE(isFile(vtm)) << what << ": " << vtm.c_str();
    vtkSmartPointer<vtkMultiBlockDataSet> mb = readVtm(vtm);
    EXPECT_TRUE(mb) << what;
    if (!mb)
    {
        return {};
    }
    EXPECT_EQ(mb->GetNumberOfBlocks(), 2u) << what;
    EXPECT_EQ(blockName(mb, 0), "internal") << what;
    EXPECT_EQ(blockName(mb, 1), "boundary") << what;

    std::map<int, label> types = checkGrid
    (
        mesh,
        vtkUnstructuredGrid::SafeDownCast(mb->GetBlock(0)),
        fields,
        what
    );
    checkBoundary
    (
        mesh,
        vtkMultiBlockDataSet::SafeDownCast(mb->GetBlock(1)),
        fields,
        what
    );

    // The format asked for
    const fs::path vtu =
        fs::path(std::string(dir))/(mesh.time().globalCaseName().name() + "_"
      + std::to_string(iteration))/"internal.vtu";
    const std::string text = readText(vtu);
    if (format == "ascii")
    {
        EXPECT_TRUE(pinnTest::contains(text, "format=\"ascii\"")) << what;
        EXPECT_FALSE(pinnTest::contains(text, "appended")) << what;
        EXPECT_FALSE(pinnTest::contains(text, "Compressor")) << what;
    }
    else
    {
        EXPECT_TRUE(pinnTest::contains(text, "format=\"appended\"")) << what;
        EXPECT_TRUE(pinnTest::contains(text, "encoding=\"raw\"")) << what;
        EXPECT_TRUE(pinnTest::contains(text, "vtkZLibDataCompressor")) << what;
        EXPECT_FALSE(pinnTest::contains(text, "format=\"ascii\"")) << what;
    }
    EXPECT_TRUE(pinnTest::contains(text, "type=\"Float64\" Name=\"phi\""))
        << what;
    return types;
}


//- The (name, time) entries of a .series file, parsed as JSON
std::vector<std::pair<std::string, double>> readSeries(const fileName& file)
{
    std::ifstream is(file.c_str());
    Json::Value root;
    Json::CharReaderBuilder builder;
    std::string errs;
    std::vector<std::pair<std::string, double>> entries;
    if (!Json::parseFromStream(builder, is, &root, &errs))
    {
        ADD_FAILURE() << file.c_str() << " is not JSON: " << errs;
        return entries;
    }
    EXPECT_EQ(root["file-series-version"].asString(), "1.0");
    for (const Json::Value& e : root["files"])
    {
        entries.emplace_back(e["name"].asString(), e["time"].asDouble());
    }
    return entries;
}


//- Files left under dir whose name starts with '.' (temporaries)
label hiddenFiles(const fs::path& dir)
{
    label n = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir))
    {
        if (e.path().filename().string()[0] == '.')
        {
            ++n;
        }
    }
    return n;
}


//- A unit cube cut into six pyramids about its centre (a mesh built here:
//  no committed case has pyramids), one wall patch
std::unique_ptr<fvMesh> pyramidMesh(const Time& runTime)
{
    pointField pts(9);
    for (label i = 0; i < 8; ++i)
    {
        pts[i] = point(i & 1, (i >> 1) & 1, (i >> 2) & 1);
    }
    pts[8] = point(0.5, 0.5, 0.5);

    // Cube faces (one pyramid each), corners in a loop
    const labelListList quads
    ({
        {0, 2, 6, 4}, {1, 3, 7, 5},     // x = 0, 1
        {0, 1, 5, 4}, {2, 3, 7, 6},     // y = 0, 1
        {0, 1, 3, 2}, {4, 5, 7, 6}      // z = 0, 1
    });
    auto centreOf = [&](const labelList& f)
    {
        point c(Zero);
        for (const label p : f) c += pts[p];
        return point(c/f.size());
    };
    // Orient f so that its normal points away from 'from'
    auto orient = [&](face f, const point& from)
    {
        if ((f.areaNormal(pts) & (f.centre(pts) - from)) < 0)
        {
            f.flip();
        }
        return f;
    };

    // Internal faces: the triangles (centre, edge) shared by two pyramids
    DynamicList<face> faces;
    DynamicList<label> owner, neighbour;
    for (label a = 0; a < 6; ++a)
    {
        for (label b = a + 1; b < 6; ++b)
        {
            labelList common;
            for (const label p : quads[a])
            {
                if (quads[b].found(p)) common.append(p);
            }
            if (common.size() == 2)
            {
                const face tri({8, common[0], common[1]});
                faces.append(orient(tri, centreOf(quads[a])));
                owner.append(a);
                neighbour.append(b);
            }
        }
    }
    const label nInternal = faces.size();
    for (label a = 0; a < 6; ++a)
    {
        faces.append(orient(face(quads[a]), pts[8]));
        owner.append(a);
    }

    auto mesh = std::make_unique<fvMesh>
    (
        IOobject
        (
            "pyramids",
            runTime.timeName(),
            runTime,
            IOobject::NO_READ,
            IOobject::NO_WRITE,
            false
        ),
        std::move(pts),
        faceList(std::move(faces)),
        labelList(std::move(owner)),
        labelList(std::move(neighbour)),
        false
    );
    List<polyPatch*> patches
    ({
        new wallPolyPatch
        (
            "walls", 6, nInternal, 0, mesh->boundaryMesh(),
            wallPolyPatch::typeName
        )
    });
    mesh->addFvPatches(patches);
    return mesh;
}

} // End anonymous namespace


// * * * * * * * * * * * * * * * * * Mesh * * * * * * * * * * * * * * * * * //

TEST(pinnVtkWriter, binaryRoundTripOnEveryCase)
{
    tempDir tmp;
    for (const char* name : allCases)
    {
        foamCase c(name);
        const fvMesh& mesh = *c.mesh;
        const std::map<int, label> types = writeAndCheck
        (
            mesh, tmp/name, "binary", 7, std::string(name) + " binary"
        );

        const std::string n(name);
        const label nCells = mesh.nCells();
        auto count = [&](const int t)
        {
            auto it = types.find(t);
            return it == types.end() ? label(0) : it->second;
        };
        if (n == "hex2D" || n == "hex3D")
        {
            EXPECT_EQ(count(VTK_HEXAHEDRON), nCells) << name;
        }
        else if (n == "prism2D")
        {
            EXPECT_EQ(count(VTK_WEDGE), nCells) << name;
        }
        else if (n == "tet3D")
        {
            EXPECT_EQ(count(VTK_TETRA), nCells) << name;
        }
        else if (n == "poly3D")
        {
            // The polyhedral dual: mostly general polyhedra
            EXPECT_GT(count(VTK_POLYHEDRON), nCells/2) << name;
        }
        EXPECT_EQ(hiddenFiles(tmp.path/name), 0) << name;
    }
}


TEST(pinnVtkWriter, asciiRoundTrip)
{
    tempDir tmp;
    for (const char* name : {"hex3D", "prism2D", "poly3D"})
    {
        foamCase c(name);
        writeAndCheck
        (
            *c.mesh, tmp/name, "ascii", 2, std::string(name) + " ascii"
        );
    }
}


TEST(pinnVtkWriter, pyramidsRoundTrip)
{
    foamCase c("hex3D");
    std::unique_ptr<fvMesh> mesh = pyramidMesh(*c.runTime);
    ASSERT_EQ(mesh->nCells(), 6);
    for (label celli = 0; celli < 6; ++celli)
    {
        ASSERT_EQ(expectedType(mesh->cellShapes()[celli]), VTK_PYRAMID);
        ASSERT_NEAR(mesh->V()[celli], 1.0/6, 1e-14);
    }
    tempDir tmp;
    for (const word format : {"binary", "ascii"})
    {
        const std::map<int, label> types = writeAndCheck
        (
            *mesh, tmp/format, format, 1, "pyramids " + format
        );
        EXPECT_EQ(types.at(VTK_PYRAMID), 6);
    }
}


TEST(pinnVtkWriter, seriesListsTheIterations)
{
    tempDir tmp;
    foamCase c("hex2D");
    knownFields fields(*c.mesh);
    pinnVtkWriter writer(*c.mesh, vtkDict(tmp/"VTK"));
    EXPECT_EQ(writer.seriesFile(), tmp/"VTK"/"hex2D.vtm.series");

    for (const label iter : {0, 10, 200})
    {
        writer.write
        (
            Foam::name(iter), iter, fields.scalars(), fields.vectors()
        );
    }
    std::vector<std::pair<std::string, double>> series =
        readSeries(writer.seriesFile());
    const std::vector<std::pair<std::string, double>> expected
    ({
        {"hex2D_0.vtm", 0}, {"hex2D_10.vtm", 10}, {"hex2D_200.vtm", 200}
    });
    EXPECT_EQ(series, expected);

    // The files named in the series read back
    for (const auto& e : series)
    {
        vtkSmartPointer<vtkMultiBlockDataSet> mb =
            readVtm(tmp/"VTK"/e.first);
        ASSERT_TRUE(mb) << e.first;
        ASSERT_EQ(mb->GetNumberOfBlocks(), 2u);
        EXPECT_EQ(mb->GetBlock(0)->GetFieldData()->GetArray("TimeValue")
            ->GetComponent(0, 0), e.second);
    }

    // A run restarted at iteration 10 continues that run's series
    writer.write("10", 10, fields.scalars(), fields.vectors());
    series = readSeries(writer.seriesFile());
    EXPECT_EQ
    (
        series,
        (std::vector<std::pair<std::string, double>>
        ({{"hex2D_0.vtm", 0}, {"hex2D_10.vtm", 10}}))
    );
    EXPECT_EQ(hiddenFiles(tmp.path/"VTK"), 0);
}


TEST(pinnVtkWriter, fieldSelectionAndNoBoundary)
{
    tempDir tmp;
    foamCase c("hex3D");
    knownFields fields(*c.mesh);
    dictionary d(vtkDict(tmp/"VTK"));
    d.add("fields", wordList({"U", "nonExistent"}));
    d.add("boundary", false);
    pinnVtkWriter writer(*c.mesh, d);
    writer.write("1", 1, fields.scalars(), fields.vectors());

    vtkSmartPointer<vtkMultiBlockDataSet> mb = readVtm(writer.meshFile(1));
    ASSERT_TRUE(mb);
    EXPECT_EQ(mb->GetNumberOfBlocks(), 1u);
    vtkUnstructuredGrid* grid =
        vtkUnstructuredGrid::SafeDownCast(mb->GetBlock(0));
    ASSERT_TRUE(grid);
    EXPECT_FALSE(grid->GetCellData()->GetArray("phi"));
    expectArray
    (
        grid->GetCellData()->GetArray("U"), fields.U.primitiveField(), "U"
    );
    EXPECT_FALSE(fs::exists(tmp.path/"VTK"/"hex3D_1"/"boundary"));
}


TEST(pinnVtkWriter, disabledWritesNothing)
{
    tempDir tmp;
    foamCase c("hex3D");
    knownFields fields(*c.mesh);
    dictionary d(vtkDict(tmp/"VTK"));
    d.add("enabled", false);
    pinnVtkWriter writer(*c.mesh, d);
    EXPECT_FALSE(writer.enabled());
    writer.checkWritable();
    writer.write("1", 1, fields.scalars(), fields.vectors());
    writer.writePoints
    (
        "1", 1, List<point>(), scalarList(), scalarList(), labelList()
    );
    EXPECT_FALSE(fs::exists(tmp.path/"VTK"));
}


// * * * * * * * * * * * * * * * Collocation points * * * * * * * * * * * * //

TEST(pinnVtkWriter, collocationPointsRoundTrip)
{
    tempDir tmp;
    foamCase c("tet3D");
    for (const word format : {"binary", "ascii"})
    {
        pinnVtkWriter writer(*c.mesh, vtkDict(tmp/format, format));

        std::mt19937_64 gen(3);
        std::uniform_real_distribution<double> u(-1, 1);
        const label n = 1013;
        List<point> pts(n);
        scalarList residual(n), weight(n);
        labelList kind(n);
        forAll(pts, i)
        {
            pts[i] = point(u(gen), u(gen), u(gen));
            residual[i] = u(gen)*1e-7;
            weight[i] = 1 + u(gen);
            kind[i] = (i % 3 == 0);
        }
        for (const label iter : {5, 50})
        {
            writer.writePoints
            (
                Foam::name(iter), iter, pts, residual, weight, kind
            );
        }

        const fileName vtp = writer.pointsFile(50);
        EXPECT_EQ(vtp, tmp/format/"tet3D_points_50.vtp");
        auto reader = vtkSmartPointer<vtkXMLPolyDataReader>::New();
        reader->SetFileName(vtp.c_str());
        reader->Update();
        vtkPolyData* poly = reader->GetOutput();
        ASSERT_TRUE(poly) << format;
        ASSERT_EQ(poly->GetNumberOfPoints(), n) << format;
        EXPECT_EQ(poly->GetNumberOfVerts(), n) << format;
        EXPECT_EQ(poly->GetNumberOfCells(), n) << format;
        label badPoint = 0;
        forAll(pts, i)
        {
            double x[3];
            poly->GetPoint(i, x);
            if (x[0] != pts[i].x() || x[1] != pts[i].y() || x[2] != pts[i].z())
            {
                ++badPoint;
            }
        }
        EXPECT_EQ(badPoint, 0) << format;
        vtkPointData* pd = poly->GetPointData();
        expectArray(pd->GetArray("residual"), residual, format + " residual");
        expectArray(pd->GetArray("weight"), weight, format + " weight");
        vtkDataArray* k = poly->GetPointData()->GetArray("kind");
        ASSERT_TRUE(k) << format;
        EXPECT_EQ(k->GetDataType(), VTK_INT) << format;
        label badKind = 0;
        forAll(kind, i)
        {
            if (k->GetComponent(i, 0) != kind[i])
            {
                ++badKind;
            }
        }
        EXPECT_EQ(badKind, 0) << format;

        EXPECT_EQ
        (
            writer.pointsSeriesFile(), tmp/format/"tet3D_points.vtp.series"
        );
        EXPECT_EQ
        (
            readSeries(writer.pointsSeriesFile()),
            (std::vector<std::pair<std::string, double>>
            ({{"tet3D_points_5.vtp", 5}, {"tet3D_points_50.vtp", 50}}))
        ) << format;
        EXPECT_EQ(hiddenFiles(tmp.path/std::string(format)), 0) << format;
    }
}


TEST(pinnVtkWriter, collocationSizeMismatchIsFatal)
{
    tempDir tmp;
    foamCase c("hex2D");
    pinnVtkWriter writer(*c.mesh, vtkDict(tmp/"VTK"));
    EXPECT_THROW
    (
        writer.writePoints
        (
            "1", 1, List<point>(3, Zero), scalarList(3, Zero),
            scalarList(2, Zero), labelList(3, Zero)
        ),
        Foam::error
    );
}


// * * * * * * * * * * * * * * * * * Errors * * * * * * * * * * * * * * * * //

TEST(pinnVtkWriter, unwritableDirectoryIsFatal)
{
    tempDir tmp;
    foamCase c("hex2D");
    const fileName file = tmp/"aFile";
    std::ofstream(file.c_str()) << "not a directory\n";
    const fileName dir = file/"VTK";

    pinnVtkWriter writer(*c.mesh, vtkDict(dir));
    try
    {
        writer.checkWritable();
        FAIL() << "no error for a directory below a regular file";
    }
    catch (const Foam::error& err)
    {
        const std::string msg(err.message());
        EXPECT_TRUE(pinnTest::contains(msg, dir)) << msg;
        EXPECT_TRUE(pinnTest::contains(msg, "vtk { directory")) << msg;
        EXPECT_TRUE(pinnTest::contains(msg, "enabled false")) << msg;
    }

    // write() too, should checkWritable not have been called
    knownFields fields(*c.mesh);
    EXPECT_THROW
    (
        writer.write("1", 1, fields.scalars(), fields.vectors()),
        Foam::error
    );
}


TEST(pinnVtkWriter, badDictionaryIsFatal)
{
    foamCase c("hex2D");
    {
        dictionary d;
        d.add("formt", "ascii");
        try
        {
            pinnVtkWriter writer(*c.mesh, d);
            FAIL() << "no error for a misspelt entry";
        }
        catch (const Foam::IOerror& err)
        {
            const std::string msg(err.message());
            EXPECT_TRUE(pinnTest::contains(msg, "formt")) << msg;
            EXPECT_TRUE(pinnTest::contains(msg, "format")) << msg;
        }
    }
    {
        dictionary d;
        d.add("format", "binry");
        try
        {
            pinnVtkWriter writer(*c.mesh, d);
            FAIL() << "no error for an unknown format";
        }
        catch (const Foam::IOerror& err)
        {
            const std::string msg(err.message());
            EXPECT_TRUE(pinnTest::contains(msg, "binary")) << msg;
            EXPECT_TRUE(pinnTest::contains(msg, "ascii")) << msg;
        }
    }

    // Defaults: binary, VTK under the case
    pinnVtkWriter writer(*c.mesh, dictionary());
    EXPECT_TRUE(writer.enabled());
    EXPECT_FALSE(writer.ascii());
    EXPECT_EQ(writer.directory(), c.runTime->globalPath()/"VTK");
}


// ************************************************************************* //

/*---------------------------------------------------------------------------*\
  pinnFoam kernels: cudaSampling.cuh

  Description
      Interior points drawn on the device by a cell density (the algorithm
      of pinn/sampling.hpp, which the host runs the same): the cell weights
      (volume x density) and their running sum by a CUB scan, point k's
      cell by a binary search of its own Philox uniform, a CUB scan of the
      flags of the points in this processor's cells for their places, then
      each point placed in a tet of its cell and written in network
      coordinates with its weight straight into the training set.
\*---------------------------------------------------------------------------*/
#pragma once

#include "DeviceArena.cuh"
#include "pinn/sampling.hpp"

#include <cuda_runtime.h>

namespace pinn
{
namespace cuda
{

//- The cell table on the device and the buffers of one draw
struct DeviceCellTable
{
    bool valid = false;
    idx nGlobal = 0, nLocal = 0, nMax = 0;
    int dim = 3;
    int component[3] = {0, 1, 2};
    double origin[3] = {0, 0, 0};
    double length = 1;

    const double* cellVolume = nullptr;
    const std::int32_t* localCell = nullptr;
    const double* centre = nullptr;
    const idx* tetStart = nullptr;
    const double* tets = nullptr;
    const double* tetVolume = nullptr;

    double* density = nullptr; // uploaded per draw
    double* factor = nullptr; // uploaded per draw
    double* source = nullptr; // uploaded per draw
    double* cumulative = nullptr;
    std::int32_t* cell = nullptr; // global cell of point k
    std::int32_t* flag = nullptr; // point k is here
    std::int32_t* place = nullptr; // its index among this processor's points
    void* scanTemp = nullptr;
    std::size_t scanBytes = 0;

    std::size_t h2d = 0, d2h = 0; // bytes copied
};

//- Reserve arena for the table and nMax points per draw, copy the table
void uploadCellTable(const sampling::CellTable& table, idx nMax, DeviceArena& arena,
    DeviceCellTable& t, cudaStream_t stream);

//- Steps 1-4 of a draw (weights, scan, picks, places); returns how many of
//  the d.n points are in this processor's cells (synchronises for it)
idx countDraw(DeviceCellTable& t, const sampling::InteriorDraw& d, cudaStream_t stream);

//- Steps 5-6 after countDraw: the points in network coordinates into x
//  (dim each), weight x factor into wRaw and, times scale, into w, the
//  cells' sources into s (where d has them; s may then not be null)
template<class Real>
void placeDraw(const DeviceCellTable& t, const sampling::InteriorDraw& d, Real* x, Real* wRaw,
    Real* w, Real* s, double scale, cudaStream_t stream);

//- w = scale x wRaw (n values)
template<class Real>
void scaleWeights(const Real* wRaw, Real* w, idx n, double scale, cudaStream_t stream);

} // namespace cuda
} // namespace pinn

/*---------------------------------------------------------------------------*\
  pinnFoam: physics-informed neural networks on OpenFOAM cases
\*---------------------------------------------------------------------------*/

#include "pinnPstreamCommunicator.H"
#include "Pstream.H"
#include "List.H"
#include "ops.H"

#include <cstring>

// * * * * * * * * * * * * * * * Local Functions * * * * * * * * * * * * * * //

namespace
{

template<class T>
void sumOverProcessors(T* data, const pinn::idx n)
{
    if (!Foam::Pstream::parRun() || n == 0)
    {
        return;
    }
    Foam::List<T> values(static_cast<Foam::label>(n));
    std::memcpy(values.data(), data, n*sizeof(T));
    Foam::Pstream::listCombineGather(values, Foam::plusEqOp<T>());
    Foam::Pstream::listCombineScatter(values);
    std::memcpy(data, values.cdata(), n*sizeof(T));
}

} // End anonymous namespace


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

int Foam::pinnPstreamCommunicator::size() const
{
    return Pstream::parRun() ? int(Pstream::nProcs()) : 1;
}


int Foam::pinnPstreamCommunicator::rank() const
{
    return Pstream::parRun() ? int(Pstream::myProcNo()) : 0;
}


void Foam::pinnPstreamCommunicator::allreduceSum(double* data, pinn::idx n)
{
    sumOverProcessors(data, n);
}


void Foam::pinnPstreamCommunicator::allreduceSum(float* data, pinn::idx n)
{
    sumOverProcessors(data, n);
}


void Foam::pinnPstreamCommunicator::broadcast(void* data, std::size_t bytes)
{
    if (!Pstream::parRun() || bytes == 0)
    {
        return;
    }
    List<char> buf(static_cast<label>(bytes));
    if (Pstream::master())
    {
        std::memcpy(buf.data(), data, bytes);
    }
    Pstream::scatter(buf);
    std::memcpy(data, buf.cdata(), bytes);
}

// ************************************************************************* //

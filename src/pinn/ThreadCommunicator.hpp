/*---------------------------------------------------------------------------*\
  pinnFoam core: ThreadCommunicator.hpp

  Description
      Ranks as threads of one process: a Communicator for tests and for
      benchmarks that drive several GPUs from one process (one thread per
      GPU). Sums are formed in rank order by every rank, so all ranks hold
      bit-identical results, as the Communicator contract asks.
\*---------------------------------------------------------------------------*/
#pragma once

#include "pinn/Communicator.hpp"

#include <condition_variable>
#include <cstring>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace pinn
{

//- State shared by the ranks of one group of threads
class ThreadHub
{
public:
    explicit ThreadHub(int n) : n_(n), slots_(n) {}

    int size() const { return n_; }

    void barrier()
    {
        std::unique_lock<std::mutex> lock(mutex_);
        const long gen = generation_;
        if (++waiting_ == n_)
        {
            waiting_ = 0;
            ++generation_;
            cv_.notify_all();
        }
        else
        {
            cv_.wait(lock, [&] { return generation_ != gen; });
        }
    }

    std::vector<std::vector<char>>& slots() { return slots_; }

private:
    int n_;
    std::mutex mutex_;
    std::condition_variable cv_;
    int waiting_ = 0;
    long generation_ = 0;
    std::vector<std::vector<char>> slots_;
};


//- One rank of a group of threads
class ThreadCommunicator : public Communicator
{
public:
    ThreadCommunicator(ThreadHub& hub, int rank) : hub_(hub), rank_(rank) {}

    int size() const override { return hub_.size(); }
    int rank() const override { return rank_; }
    void allreduceSum(double* data, idx n) override { sum(data, n); }
    void allreduceSum(float* data, idx n) override { sum(data, n); }

    void broadcast(void* data, std::size_t bytes) override
    {
        if (rank_ == 0)
        {
            const char* c = static_cast<const char*>(data);
            hub_.slots()[0].assign(c, c + bytes);
        }
        hub_.barrier();
        if (rank_ != 0) std::memcpy(data, hub_.slots()[0].data(), bytes);
        hub_.barrier();
    }

    void barrier() { hub_.barrier(); }

private:
    template<class T>
    void sum(T* data, idx n)
    {
        const char* c = reinterpret_cast<const char*>(data);
        hub_.slots()[rank_].assign(c, c + n * sizeof(T));
        hub_.barrier();
        for (idx i = 0; i < n; ++i)
        {
            T s = reinterpret_cast<const T*>(hub_.slots()[0].data())[i];
            for (int r = 1; r < size(); ++r)
            {
                s += reinterpret_cast<const T*>(hub_.slots()[r].data())[i];
            }
            data[i] = s;
        }
        hub_.barrier();
    }

    ThreadHub& hub_;
    int rank_;
};


//- Run f(rank, comm) on n threads and wait for them
inline void onThreadRanks(int n, const std::function<void(int, ThreadCommunicator&)>& f)
{
    ThreadHub hub(n);
    std::vector<std::thread> threads;
    for (int r = 0; r < n; ++r)
    {
        threads.emplace_back(
            [&, r]
            {
                ThreadCommunicator c(hub, r);
                f(r, c);
            });
    }
    for (auto& t : threads) t.join();
}

} // namespace pinn

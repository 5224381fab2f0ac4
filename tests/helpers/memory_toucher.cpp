// A helper for the memory-summary accuracy test: it maps and touches known amounts of memory on
// request, over the leakgate control protocol, and holds them until `release`.
//   anon KIB          mmap anonymous memory and write every page
//   file KIB PATH     create PATH of that size, mmap it privately and read every page
//   malloc KIB        malloc in 4 KiB chunks (main arena: the [heap]) and write them
//   threads N KIB     start N threads that each touch KIB of their own stack, then wait
//   churn PAGES       start a thread that splits a mapping of PAGES pages into one mapping per page
//                     (every other page read-only) and merges it again, over and over, until
//                     release; replies once it has done so once
//   release           unmap, free, and join everything
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "leakgate_scenario.h"

namespace {

constexpr std::size_t kPage = 4096;

std::size_t kib(const std::vector<std::string>& args, std::size_t i) {
  if (args.size() <= i) throw std::invalid_argument("missing size in KiB");
  return std::stoul(args[i]) * 1024;
}

class Toucher {
 public:
  Toucher() = default;
  Toucher(const Toucher&) = delete;
  Toucher& operator=(const Toucher&) = delete;
  ~Toucher() { release(); }

  std::string anon(std::size_t bytes) {
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::runtime_error("mmap failed");
    for (std::size_t at = 0; at < bytes; at += kPage) static_cast<char*>(p)[at] = 1;
    maps_.push_back({p, bytes});
    return "mapped=" + std::to_string(bytes);
  }

  std::string file(std::size_t bytes, const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || ::ftruncate(fd, static_cast<off_t>(bytes)) != 0) {
      throw std::runtime_error("cannot create " + path);
    }
    void* p = ::mmap(nullptr, bytes, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (p == MAP_FAILED) throw std::runtime_error("mmap failed");
    unsigned sum = 0;
    for (std::size_t at = 0; at < bytes; at += kPage) sum += static_cast<volatile char*>(p)[at];
    maps_.push_back({p, bytes});
    return "read=" + std::to_string(bytes) + " sum=" + std::to_string(sum);
  }

  std::string heap(std::size_t bytes) {
    for (std::size_t done = 0; done < bytes; done += kPage) {
      // 4 KiB less malloc's 16-byte header, so each chunk is exactly one page of the heap.
      auto* p = static_cast<char*>(std::malloc(kPage - 16));
      if (p == nullptr) throw std::runtime_error("malloc failed");
      std::memset(p, 1, kPage - 16);
      blocks_.push_back(p);
    }
    return "allocated=" + std::to_string(bytes);
  }

  std::string threads(int n, std::size_t stack_bytes) {
    std::unique_lock lock(mutex_);
    const int target = started_ + n;
    for (int i = 0; i < n; ++i) {
      threads_.emplace_back([this, stack_bytes] {
        // Touch the stack below this frame, page by page (a VLA-free way: recursion).
        touch_stack(stack_bytes / kPage);
        std::unique_lock inner(mutex_);
        ++started_;
        changed_.notify_all();
        changed_.wait(inner, [this] { return stop_; });
      });
    }
    changed_.wait(lock, [&] { return started_ >= target; });
    return "threads=" + std::to_string(started_);
  }

  std::string churn(std::size_t pages) {
    const std::size_t bytes = pages * kPage;
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::runtime_error("mmap failed");
    maps_.push_back({p, bytes});
    auto* base = static_cast<char*>(p);
    std::unique_lock lock(mutex_);
    const int target = started_ + 1;
    threads_.emplace_back([this, base, pages, bytes] {
      for (bool first = true;; first = false) {
        for (std::size_t i = 1; i < pages; i += 2) ::mprotect(base + i * kPage, kPage, PROT_READ);
        ::mprotect(base, bytes, PROT_READ | PROT_WRITE);
        std::lock_guard inner(mutex_);
        if (first) {
          ++started_;
          changed_.notify_all();
        }
        if (stop_) return;
      }
    });
    changed_.wait(lock, [&] { return started_ >= target; });
    return "churning=" + std::to_string(pages);
  }

  std::string release() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
      changed_.notify_all();
    }
    for (auto& t : threads_) t.join();
    threads_.clear();
    for (auto& [p, bytes] : maps_) ::munmap(p, bytes);
    maps_.clear();
    for (void* p : blocks_) std::free(p);
    blocks_.clear();
    stop_ = false;
    started_ = 0;
    return "released";
  }

 private:
  static void touch_stack(std::size_t pages) {
    volatile char page[kPage];
    page[0] = 1;
    page[kPage - 1] = 1;
    if (pages > 1) touch_stack(pages - 1);
    page[1] = page[0];
  }

  struct Mapping {
    void* p;
    std::size_t bytes;
  };
  std::vector<Mapping> maps_;
  std::vector<void*> blocks_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable changed_;
  int started_ = 0;
  bool stop_ = false;
};

}  // namespace

int main() {
  Toucher toucher;
  using Args = std::vector<std::string>;
  return leakgate_scenario::ScenarioHost("memory-toucher")
      .command("anon", [&](const Args& a) { return toucher.anon(kib(a, 0)); })
      .command("file",
               [&](const Args& a) {
                 if (a.size() < 2) throw std::invalid_argument("file KIB PATH");
                 return toucher.file(kib(a, 0), a[1]);
               })
      .command("malloc", [&](const Args& a) { return toucher.heap(kib(a, 0)); })
      .command("threads",
               [&](const Args& a) {
                 if (a.size() < 2) throw std::invalid_argument("threads N KIB");
                 return toucher.threads(std::stoi(a[0]), kib(a, 1));
               })
      .command("churn",
               [&](const Args& a) {
                 if (a.empty()) throw std::invalid_argument("churn PAGES");
                 return toucher.churn(std::stoul(a[0]));
               })
      .command("release", [&](const Args&) { return toucher.release(); })
      .run();
}

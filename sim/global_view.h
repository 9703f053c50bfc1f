#pragma once
// What the simulator knows and no single balancer node does: how many requests each node has at
// each server right now. The true total is the server's queue length (queued + in service; the
// simulation has no network delay). The "board" is the shared information of a multi-node
// deployment: a copy of every node's counts taken at the last refresh, so a node that consults it
// sees its own requests exactly and the other nodes' as they were up to one refresh period ago
// (Mitzenmacher's periodic-update model, "How useful is old information?", IEEE TPDS 11(1), 2000).
#include <cstddef>
#include <vector>

namespace yoke::sim {

class GlobalView {
 public:
  // live_board: the board is never stale (shared() is the exact total), for a scenario whose
  // shared_info_refresh is 0.
  GlobalView(std::size_t nodes, std::size_t servers, bool live_board);

  void add(std::size_t node, std::size_t server, int delta);
  // Requests at server from every node, exact.
  int total(std::size_t server) const { return totals_[server]; }
  // What node believes is at server: its own requests now, the others' as of the last refresh.
  int shared(std::size_t node, std::size_t server) const;
  // Publishes every node's current counts to the board.
  void refresh();

 private:
  std::size_t servers_;
  bool live_board_;
  std::vector<int> counts_;  // [node * servers_ + server]
  std::vector<int> totals_;
  std::vector<int> board_;
  std::vector<int> board_totals_;
};

}  // namespace yoke::sim

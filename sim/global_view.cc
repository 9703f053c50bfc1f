#include "global_view.h"

namespace yoke::sim {

GlobalView::GlobalView(std::size_t nodes, std::size_t servers, bool live_board)
    : servers_(servers),
      live_board_(live_board),
      counts_(nodes * servers, 0),
      totals_(servers, 0),
      board_(nodes * servers, 0),
      board_totals_(servers, 0) {}

void GlobalView::add(std::size_t node, std::size_t server, int delta) {
  counts_[node * servers_ + server] += delta;
  totals_[server] += delta;
}

int GlobalView::shared(std::size_t node, std::size_t server) const {
  if (live_board_) return totals_[server];
  const std::size_t at = node * servers_ + server;
  return counts_[at] + board_totals_[server] - board_[at];
}

void GlobalView::refresh() {
  board_ = counts_;
  board_totals_ = totals_;
}

}  // namespace yoke::sim

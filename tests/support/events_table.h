#pragma once
// An events table made in memory, as if read from a run's events.tsv.

#include <utility>
#include <vector>

#include "neuro/bids/events.h"

namespace neuroseq_test {

inline neuro::EventsTable events_table(std::vector<neuro::Event> events) {
  neuro::EventsTable table;
  table.source = "/data/sub-01_task-x_events.tsv";
  table.events = std::move(events);
  return table;
}

}  // namespace neuroseq_test

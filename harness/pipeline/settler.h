#pragma once

#include <string>

#include "scenario/manifest.h"
#include "scenario/session.h"

namespace leakgate {

struct SettleResult {
  int rounds = 0;
  std::string reply;  // the last settle's reply
};

// Settles the app, then again and again until two consecutive measurements agree within the
// manifest's settle tolerances: the app's own heap figure (promotedBytes= or heapBytes= in the
// reply, when it gives one) and the process's resident memory (smaps_rollup Rss). Bounded by
// settle.maxRounds and timeouts.settleSeconds; an app that never settles is a ScenarioError that
// shows the readings.
SettleResult settle_until_stable(ScenarioSession& session, const Manifest& manifest);

}  // namespace leakgate

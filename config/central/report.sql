-- report.sql - one centre's figures over a range of days, from the central
-- database, in total and per queue, with
-- the definitions of the centre's own statistics (host/docs/stats.md):
--   wait = last call - start of the leg (issue or transfer), called legs;
--   service = finish - start, legs finished as served;
--   service level = served legs with wait <= the queue's target / served legs;
--   no-show % = no-shows / issued (leg 0).
-- Percentiles are nearest-rank (percentile_disc), as the centre's.
-- tests/integration/host/export.c runs the same query and checks it against
-- the centre's GET /api/v1/stats/report, total and per queue.
--
--   psql "$CONNINFO" -v centre=TG-MYTHO -v from=2026-12-01 -v to=2026-12-02 -f report.sql
--
-- legs_in(from, to) reads only the tickets of those days (the view legs
-- would read every day's events).  onestop-central shows the same per
-- centre, department and procedure for every centre (host/docs/export.md).
SELECT CASE WHEN GROUPING(queue) = 1 THEN '(tổng)' ELSE queue END AS queue,
       count(*) FILTER (WHERE seq = 0) AS issued,
       count(*) FILTER (WHERE seq > 0) AS transferred_in,
       count(*) FILTER (WHERE outcome = 'served') AS served,
       count(*) FILTER (WHERE outcome = 'no_show') AS no_show,
       round(100.0 * count(*) FILTER (WHERE outcome = 'no_show')
             / NULLIF(count(*) FILTER (WHERE seq = 0), 0), 1) AS no_show_pct,
       round(avg(wait_s), 1) AS wait_mean_s,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY wait_s) AS wait_median_s,
       percentile_disc(0.9) WITHIN GROUP (ORDER BY wait_s) AS wait_p90_s,
       max(wait_s) AS wait_max_s,
       round(avg(service_s), 1) AS service_mean_s,
       round(100.0 * count(*) FILTER (WHERE outcome = 'served' AND wait_s <= target_wait_s)
             / NULLIF(count(*) FILTER (WHERE outcome = 'served' AND wait_s IS NOT NULL
                                       AND target_wait_s > 0), 0), 1) AS service_level_pct
  FROM legs_in(:'from'::date, :'to'::date)
 WHERE centre = :'centre' AND day BETWEEN :'from'::date AND :'to'::date
 GROUP BY GROUPING SETS ((), (queue))
 ORDER BY GROUPING(queue) DESC, queue;

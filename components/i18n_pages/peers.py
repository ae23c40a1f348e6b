"""Strings of the growth page's peer-city picker and Qingdao's rank among its peers."""

STRINGS = {
    "zh": {
        "growth_peers": "对比城市（副省级城市）",
        "growth_peers_placeholder": "选择城市",
        "growth_peers_help": "与青岛同为副省级城市的{total}个城市中，{n}个有该指标和行业的已公布数据；无数据的城市标为“无数据”。排名只比较同一时期已公布的数字。",
        "growth_peer_none": "{name}（无数据）",
        "growth_peer_rank": "{period}{indicator}：青岛在所选城市中居第{rank}位（{n}个城市有同期数据：{order}）。",
        "growth_peer_rank_none": "所选城市没有{period}{indicator}的已公布数字，或青岛无同期数字，无法排名。",
        "growth_peer_missing": "{names}没有{period}的已公布数字，未计入排名。",
    },
    "en": {
        "growth_peers": "Peer cities (sub-provincial)",
        "growth_peers_placeholder": "Choose cities",
        "growth_peers_help": "Of the {total} other sub-provincial cities, {n} have a published figure for this indicator and industry; the others are marked 'no figure'. Ranks compare only figures of the same period.",
        "growth_peer_none": "{name} (no figure)",
        "growth_peer_rank": "{indicator}, {period}: Qingdao ranks {rank} of the {n} chosen cities with a figure for that period ({order}).",
        "growth_peer_rank_none": "No rank: the chosen cities have no published {indicator} for {period}, or Qingdao has none.",
        "growth_peer_missing": "{names}: no figure published for {period}, left out of the rank.",
    },
}

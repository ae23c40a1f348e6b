"""Strings of the data page's coverage section and of source translations."""

STRINGS = {
    "zh": {
        "col_carrier": "转载网站",
        "col_carrier_url": "转载链接",
        "cov_title": "数据覆盖情况",
        "cov_intro": "哪些指标、地区、时期和行业有已公布的数字，哪些没有：筛选前先看这里。"
                     "“缺”指按该指标的发布周期应有一期、但数据中没有收录的时期（可能已发布但尚未收录）。",
        "cov_grid_head": "{indicator}：{first}至{last}逐月完整性（{industry}）",
        "cov_grid_note": "1月与2月合并发布（1-2月），全年数据记为当年。标为“缺”的单元格为缺口。",
        "cov_col_period": "时期",
        "cov_grid_caption": "{indicator}逐月完整性：绿色有数据，红色为缺口",
        "cov_ind_caption": "各指标各地区的时期数：绿色完整，红色有缺口，灰色无数据",
        "cov_div_caption": "各行业大类各地区的数字个数：绿色有数据，灰色无数据",
        "cov_gap": "缺",
        "cov_grid_region": "{region}：{n_grid}期中有{n_filled}期有数据，缺{n_gaps}期{gap_list}",
        "cov_gap_list": "（{periods}）",
        "cov_grid_empty": "{indicator}：所选时点之前自{first}年起没有数据。",
        "cov_ind_head": "各指标各地区的时期覆盖（{industry}）",
        "cov_ind_note": "单元格：有数据的期数；“缺k”为首末两期之间按发布周期缺少的期数。"
                        "存量类和多年平均指标没有发布周期，只计期数。",
        "cov_ind_detail": "明细：每个指标和地区的首期、末期与缺口",
        "cov_col_indicator": "指标",
        "cov_col_region": "地区",
        "cov_col_basis": "期别口径",
        "cov_col_n": "期数",
        "cov_col_first": "首期",
        "cov_col_last": "末期",
        "cov_col_gaps": "缺口时期",
        "cov_div_head": "各制造业（及采矿、公用事业）行业大类有数据的地区",
        "cov_div_note": "单元格：该地区该行业的数字个数；“—”表示没有任何数字，按该行业筛选时该地区无数据。",
        "cov_col_division": "行业",
        "cov_div_summary": "{n_div}个行业大类中，全国有数据的{n_cn}个，山东{n_sd}个，青岛{n_qd}个。",
        "cov_basis_cumulative": "累计",
        "cov_basis_month": "当月",
        "cov_basis_quarter": "季度",
        "cov_basis_annual": "年度",
        "cov_basis_as_of": "时点",
        "cov_basis_multi_year": "多年",
        "cov_source": "覆盖情况由数据版本 {version} 的观测值统计得出；逐月表各数字的来源见下。",
        # source details: a translation beside the original, the copy's own link
        "translation_label": "译文",
        "carrier_page": "转载页面",
    },
    "en": {
        "col_carrier": "Copy read on",
        "col_carrier_url": "Link to the copy",
        "cov_title": "Data coverage",
        "cov_intro": "Which indicators, regions, periods and industries have published figures, "
                     "and which do not: look here before filtering. A gap is a period the "
                     "indicator's release calendar has but the data holds no figure for (it may "
                     "have been published and not yet loaded).",
        "cov_grid_head": "{indicator}: month by month from {first} to {last} ({industry})",
        "cov_grid_note": "January is released with February (Jan-Feb); the full year is written "
                         "as the year. Cells marked 'gap' have no figure.",
        "cov_col_period": "Period",
        "cov_grid_caption": "{indicator} month by month: green filled, red a gap",
        "cov_ind_caption": "Periods per indicator and region: green complete, red with gaps, "
                           "grey none",
        "cov_div_caption": "Figures per division and region: green some, grey none",
        "cov_gap": "gap",
        "cov_grid_region": "{region}: {n_filled} of {n_grid} periods filled, {n_gaps} gaps"
                           "{gap_list}",
        "cov_gap_list": " ({periods})",
        "cov_grid_empty": "{indicator}: no figure since {first} as of the chosen period.",
        "cov_ind_head": "Periods per indicator and region ({industry})",
        "cov_ind_note": "Cell: the number of periods with a figure; 'gap k' is the number of "
                        "periods missing between the first and the last on the release "
                        "calendar. Stocks and multi-year averages have no calendar: only the "
                        "count.",
        "cov_ind_detail": "Details: first and last period and the gaps of each indicator and "
                          "region",
        "cov_col_indicator": "Indicator",
        "cov_col_region": "Region",
        "cov_col_basis": "Period basis",
        "cov_col_n": "Periods",
        "cov_col_first": "First",
        "cov_col_last": "Last",
        "cov_col_gaps": "Gap periods",
        "cov_div_head": "Regions with figures per manufacturing (and mining and utility) "
                        "division",
        "cov_div_note": "Cell: the number of figures for the region and division; '—': none, "
                        "so filtering by that division shows nothing for the region.",
        "cov_col_division": "Division",
        "cov_div_summary": "Of {n_div} divisions, China has figures for {n_cn}, Shandong for "
                           "{n_sd}, Qingdao for {n_qd}.",
        "cov_basis_cumulative": "cumulative",
        "cov_basis_month": "single month",
        "cov_basis_quarter": "quarter",
        "cov_basis_annual": "annual",
        "cov_basis_as_of": "as of a date",
        "cov_basis_multi_year": "multi-year",
        "cov_source": "Coverage counted from the observations of data version {version}; the "
                      "sources of the monthly grid's figures follow.",
        "translation_label": "Translation",
        "carrier_page": "Copy read at",
    },
}

"""Report strings in English and Simplified Chinese (terms: docs/MODEL.md §2.10)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Scenario report",
        "question": "Question",
        "summary": "Executive summary",
        "kpis": "Key figures of the focal brand (mean and 95% confidence interval over replications)",
        "diffs": "Paired difference from the reference arm (mean and 95% CI)",
        "charts": "Charts",
        "limitations": "Limitations",
        "provenance": "Provenance",
        "arm": "arm",
        "reference": "reference",
        "replications": "replications",
        "days": "days",
        "kpi": "figure",
        "mean": "mean",
        "ci": "95% CI",
        "diff": "difference",
        "payback_day": "payback day",
        "never": "never",
        "profit": "profit over the run (RMB)",
        "horizon_year": "12-month", "horizon_days": "{days}-day",
        "npv": "NPV (RMB)",
        "revenue": "revenue (RMB)",
        "cac_public": "CAC, paid public (RMB)",
        "new_customers": "new customers",
        "repurchase_rate_365": "repurchase rate (365 days)",
        "profit_share_existing": "share of profit from existing customers",
        "pool_members": "pool members (end)",
        "pool_active": "active pool members (end)",
        "wasted_share": "share of valid impressions wasted",
        "reads_per_member": "messages read per member per day",
        "orders_per_member": "private orders per member per day",
        "market_share": "market share",
        "ch_cpm_cac": "Ad prices: market CPM and the focal brand's CAC (30-day trailing)",
        "ch_cpm_cac_cap": "CPM and CAC emerge from the auctions: more bidders and fewer not-yet-customers raise them.",
        "ch_new": "New customers of the focal brand by channel",
        "ch_new_cap": "Where the focal brand's first orders came from (attribution: private > alliance > paid > word of mouth"
                      " > organic).",
        "ch_pool": "Private pool: members by tier and active members",
        "ch_pool_cap": "Tier 1 members are reachable but not owned; tier 3 are loyal. Active = read a message in the last"
                       " 7 days.",
        "ch_profit": "Cumulative profit and cash of the focal brand",
        "ch_profit_cap": "Lines are means over replications; bands are 95% confidence intervals.",
        "ch_repurchase": "Repurchase rate and share of profit from existing customers",
        "ch_repurchase_cap": "Private pools pay when customers come back: compare these bars across arms.",
        "ch_wasted": "Wasted impressions (beyond the tolerance cap or worn out), share of valid impressions",
        "ch_wasted_cap": "Impressions paid for but not attended: the ad-fatigue limit at work.",
        "hol_spring_festival": "Spring Festival",
        "hol_618": "618",
        "hol_double_11": "Double 11",
        "assumptions": "Assumptions of the focal brand",
        "as_price": "Price (RMB)",
        "as_unit_cost": "Unit cost (RMB)",
        "as_margin": "Gross margin",
        "as_interval": "Purchase interval of its category (days)",
        "as_budget": "Marketing budget (RMB/day)",
        "as_strategy": "Strategy",
        "as_private_share": "Share of the budget to the private pool",
        "as_push": "Pushes per member per day",
        "as_content": "Share of pushes that are content",
        "as_coupon": "Coupon value (RMB)",
        "as_join": "Join incentive (RMB)",
        "arm_changes": "What each arm changes from the base market",
        "arm_same": "nothing: the base market as it is",
        "ct_title": "What each channel truly earns (focal brand)",
        "ct_explain": "Last-touch attribution credits a channel with every order it touched; the incremental "
                      "figure is what the brand loses when that channel alone is switched off from day 1 on the "
                      "same random numbers, so orders that would have come anyway through another channel are "
                      "not counted. Run totals, 95% CI over replications.",
        "ct_channel": "Channel",
        "ct_attr_contrib": "Attributed contribution (RMB)",
        "ct_inc_contrib": "Incremental contribution (RMB)",
        "ct_attr_orders": "Attributed orders",
        "ct_inc_orders": "Incremental orders",
        "ct_cost": "Channel cost (RMB)",
        "ct_roi_attr": "ROI, attributed",
        "ct_roi_inc": "ROI, incremental",
        "sens_title": "What flips the verdict",
        "sens_explain": "Each parameter moved on its own across a plausible range, on the scenario's own random "
                        "numbers: the paired difference in the focal brand's profit, {arm} − {ref}, at each end "
                        "(95% CI), and where its sign changes, the flip point by bisection. {n} parameters, {runs} "
                        "more runs, {seconds} s.",
        "sens_param": "Parameter", "sens_range": "Range", "sens_at_low": "Difference at low end (RMB)",
        "sens_at_centre": "Difference in this market (RMB)", "sens_at_high": "Difference at high end (RMB)",
        "sens_flip_at": "Flips at [bracket]", "sens_no_flip": "does not flip in range", "sens_here": "here",
        "sens_low": "low end", "sens_high": "high end", "sens_flip": "flip point",
        "sens_axis": "paired difference in profit, {arm} − {ref} (RMB)",
        "sens_flips": "The verdict ({arm} against {ref}) flips if {conditions}, each with the rest as they are.",
        "sens_below": "{lever} falls below {value} ({here} here)",
        "sens_above": "{lever} rises above {value} ({here} here)", "sens_or": ", or if ",
        "sens_holds": "No one of the {n} parameters tested flips the verdict across its plausible range; the "
                      "largest swing is {lever} (a difference from {lo} to {hi} RMB).",
        "lever_purchase_interval_days": "Purchase interval of the category (days)",
        "lever_ad_slots_per_user": "Ad slots per user and day on the platform",
        "lever_tolerance_mean": "Ad tolerance (brands a consumer attends to)",
        "lever_coupon_response": "Orders triggered by a coupon read (× a content read)",
        "lever_wage_per_day": "Operator wage (RMB/day)",
        "lever_competitors": "Competitors in the category",
        "day": "day",
        "private": "private", "alliance": "alliance", "paid": "paid public", "wom": "word of mouth",
        "organic": "organic search",
        "tier1": "tier 1 member", "tier2": "tier 2 engaged", "tier3": "tier 3 loyal", "active": "active",
        "cpm": "market CPM (RMB)", "cac": "CAC (RMB)", "cum_profit": "cumulative profit (RMB)", "cash": "cash (RMB)",
        "wins": "{winner} wins on {horizon} profit: {diff} RMB more than {ref} (95% CI {lo} to {hi}).",
        "ref_wins": "The reference arm {ref} stays best on {horizon} profit: the best alternative, {other}, makes {diff}"
                    " RMB less (95% CI {lo} to {hi}).",
        "confident": "The paired 95% confidence interval over {n} replications excludes zero, so the ranking is"
                     " clear.",
        "not_confident": "The paired 95% confidence interval over {n} replications includes zero: the arms are not"
                         " distinguishable at this precision; add replications.",
        "driver": "Main drivers of the difference: {component} ({amount} RMB) and {component2} ({amount2} RMB).",
        "context": "Market CAC moved {ratio}× from the first to the last 90 days; the focal brand's repurchase rate"
                   " in {winner} is {rep}.",
        "payback": "{arm} pays back against {ref} on day {day}.",
        "pair": "{arm} against {ref}: {diff} RMB of {horizon} profit (95% CI {lo} to {hi}); {verdict}.",
        "clear": "a clear difference", "unclear": "not distinguishable at this precision",
        "no_payback": "{arm} never pays back against {ref} within the run.",
        "c_revenue": "revenue", "c_ads": "ad spend", "c_private": "private operations (operators, content,"
                                                                 " incentives)",
        "c_goods": "cost of goods and commission", "c_other": "referral rewards and alliance fees",
        "more": "higher", "less": "lower",
        "limits": "The model represents consumers as a population with stylised behaviour; brands follow fixed or"
                  " simple adaptive strategies and do not anticipate competitors; platforms do not change their"
                  " auction rules in response to brands; prices are fixed; the default parameters are a first"
                  " calibration against the stylised facts in docs/MODEL.md, not an estimate for a particular"
                  " market. Treat differences as directional evidence about mechanisms, not forecasts.",
        "prov_version": "package version", "prov_commit": "git commit", "prov_seeds": "seeds",
        "prov_command": "command line", "prov_time": "run time",
    },
    "zh": {
        "title": "情景报告",
        "question": "问题",
        "summary": "结论摘要",
        "kpis": "重点品牌关键指标（各次重复的均值与95%置信区间）",
        "diffs": "与参照方案的配对差异（均值与95%置信区间）",
        "charts": "图表",
        "limitations": "局限性",
        "provenance": "运行信息",
        "arm": "方案",
        "reference": "参照方案",
        "replications": "重复次数",
        "days": "天数",
        "kpi": "指标",
        "mean": "均值",
        "ci": "95%置信区间",
        "diff": "差异",
        "payback_day": "回本日",
        "never": "未回本",
        "profit": "模拟期利润（元）",
        "horizon_year": "12个月", "horizon_days": "{days}天",
        "npv": "净现值（元）",
        "revenue": "收入（元）",
        "cac_public": "公域获客成本（元）",
        "new_customers": "新客数",
        "repurchase_rate_365": "年复购率",
        "profit_share_existing": "老客贡献利润占比",
        "pool_members": "私域池成员（期末）",
        "pool_active": "私域活跃成员（期末）",
        "wasted_share": "有效曝光浪费占比",
        "reads_per_member": "每位成员每天阅读消息数",
        "orders_per_member": "每位成员每天私域订单数",
        "market_share": "市场份额",
        "ch_cpm_cac": "广告价格：市场千次曝光成本与重点品牌获客成本（30日滚动）",
        "ch_cpm_cac_cap": "千次曝光成本与获客成本由竞价产生：竞争者越多、未转化的人越少，成本越高。",
        "ch_new": "重点品牌按渠道划分的新客",
        "ch_new_cap": "重点品牌首单来自哪里（归因优先级：私域 > 异业合作 > 公域付费 > 口碑 > 自然搜索）。",
        "ch_pool": "私域池：各层级成员与活跃成员",
        "ch_pool_cap": "第1层成员可触达但尚无流量产权；第3层为忠实用户。活跃＝近7天读过消息。",
        "ch_profit": "重点品牌累计利润与现金",
        "ch_profit_cap": "线为各次重复的均值，阴影为95%置信区间。",
        "ch_repurchase": "复购率与老客贡献利润占比",
        "ch_repurchase_cap": "私域的价值在于客户回头：比较各方案的柱子。",
        "ch_wasted": "浪费的曝光（超出容忍上限或疲劳），占有效曝光的比例",
        "ch_wasted_cap": "付了钱却没被注意的曝光：广告疲劳的上限在起作用。",
        "hol_spring_festival": "春节",
        "hol_618": "618",
        "hol_double_11": "双11",
        "assumptions": "重点品牌的假设",
        "as_price": "售价（元）",
        "as_unit_cost": "单位成本（元）",
        "as_margin": "毛利率",
        "as_interval": "所属品类的购买间隔（天）",
        "as_budget": "营销预算（元/天）",
        "as_strategy": "策略",
        "as_private_share": "投入私域的预算比例",
        "as_push": "每位成员每天推送次数",
        "as_content": "推送中内容的比例",
        "as_coupon": "优惠券面值（元）",
        "as_join": "入群激励（元）",
        "arm_changes": "每个方案相对基础市场的改变",
        "arm_same": "无：即基础市场本身",
        "ct_title": "各渠道的真实贡献（重点品牌）",
        "ct_explain": "末次触点归因把渠道触达过的每一笔订单都记在它名下；增量数字是在相同随机数下、从第1天起只关闭这一个渠道时"
                      "品牌损失的部分，因此本会通过其他渠道到来的订单不计入。全期合计，括号内为各次重复的95%置信区间。",
        "ct_channel": "渠道",
        "ct_attr_contrib": "归因贡献（元）",
        "ct_inc_contrib": "增量贡献（元）",
        "ct_attr_orders": "归因订单",
        "ct_inc_orders": "增量订单",
        "ct_cost": "渠道成本（元）",
        "ct_roi_attr": "ROI（归因）",
        "ct_roi_inc": "ROI（增量）",
        "sens_title": "什么会改变结论",
        "sens_explain": "每次只在合理范围内改变一个参数，使用本情景相同的随机数：重点品牌利润的配对差 {arm} − {ref} "
                        "在范围两端的数值（95%置信区间）；符号改变时，用二分法求出翻转点。共 {n} 个参数，新增 {runs} 次运行，"
                        "{seconds} 秒。",
        "sens_param": "参数", "sens_range": "范围", "sens_at_low": "低端的差值（元）", "sens_at_centre": "本市场的差值（元）",
        "sens_at_high": "高端的差值（元）", "sens_flip_at": "翻转点 [区间]", "sens_no_flip": "范围内不翻转", "sens_here": "当前",
        "sens_low": "低端", "sens_high": "高端", "sens_flip": "翻转点",
        "sens_axis": "利润配对差 {arm} − {ref}（元）",
        "sens_flips": "在其余条件不变时，若{conditions}，结论（{arm} 对比 {ref}）将会翻转。",
        "sens_below": "{lever}低于 {value}（当前 {here}）", "sens_above": "{lever}高于 {value}（当前 {here}）",
        "sens_or": "，或",
        "sens_holds": "所测 {n} 个参数中，没有一个在其合理范围内单独改变结论；影响最大的是{lever}（差值从 {lo} 到 {hi} 元）。",
        "lever_purchase_interval_days": "品类购买间隔（天）",
        "lever_ad_slots_per_user": "平台每位用户每天的广告位",
        "lever_tolerance_mean": "广告容忍度（可留意的品牌数）",
        "lever_coupon_response": "优惠券阅读带来的下单（相对内容阅读的倍数）",
        "lever_wage_per_day": "运营人员日薪（元/天）",
        "lever_competitors": "品类内竞争品牌数",
        "day": "天",
        "private": "私域", "alliance": "异业合作", "paid": "公域付费", "wom": "口碑", "organic": "自然搜索",
        "tier1": "第1层 成员", "tier2": "第2层 参与", "tier3": "第3层 忠实", "active": "活跃",
        "cpm": "市场千次曝光成本（元）", "cac": "获客成本（元）", "cum_profit": "累计利润（元）", "cash": "现金（元）",
        "wins": "{winner} 的{horizon}利润最高：比 {ref} 多 {diff} 元（95%置信区间 {lo} 至 {hi}）。",
        "ref_wins": "参照方案 {ref} 的{horizon}利润仍最高：最佳替代方案 {other} 少 {diff} 元（95%置信区间 {lo} 至 {hi}）。",
        "confident": "基于 {n} 次重复的配对95%置信区间不含零，排序明确。",
        "not_confident": "基于 {n} 次重复的配对95%置信区间包含零：在此精度下两方案无法区分，请增加重复次数。",
        "driver": "差异的主要来源：{component}（{amount} 元）和{component2}（{amount2} 元）。",
        "context": "市场获客成本从前90天到最后90天变为 {ratio} 倍；{winner} 中重点品牌的年复购率为 {rep}。",
        "payback": "{arm} 相对 {ref} 在第 {day} 天回本。",
        "pair": "{arm} 相对 {ref}：{horizon}利润差 {diff} 元（95%置信区间 {lo} 至 {hi}）；{verdict}。",
        "clear": "差异明确", "unclear": "在此精度下无法区分",
        "no_payback": "{arm} 在模拟期内未能相对 {ref} 回本。",
        "c_revenue": "收入", "c_ads": "广告花费", "c_private": "私域运营（运营人员、内容、入群激励）",
        "c_goods": "商品成本与平台佣金", "c_other": "裂变奖励与异业合作费用",
        "more": "更高", "less": "更低",
        "limits": "模型把消费者表示为行为程式化的群体；品牌采用固定或简单自适应策略，不预判竞争对手；平台不会因品牌行为"
                  "改变竞价规则；价格固定；默认参数是对 docs/MODEL.md 所列程式化事实的初步校准，而非对某一具体市场的估计。"
                  "请把差异视为关于机制的方向性证据，而不是预测。",
        "prov_version": "软件版本", "prov_commit": "Git 提交", "prov_seeds": "随机种子",
        "prov_command": "命令行", "prov_time": "运行时间",
    },
}


def tr(lang: str, key: str, **kw: object) -> str:
    """The string for ``key`` in ``lang`` (English as fallback), formatted with ``kw``."""
    text = STRINGS.get(lang, STRINGS["en"]).get(key) or STRINGS["en"].get(key, key)
    return text.format(**kw) if kw else text


# ------------------------------------------------------------------ sweep reports (sim analyze)

SWEEP_STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Sweep report", "question": "Question", "design": "Design", "runs": "runs",
        "done": "finished", "failed": "failed", "missing": "not run yet",
        "main": "Main effects", "main_cap": "Mean of {metric} across every run at each value of the parameter "
        "(ranges binned by quantile), with its 95% confidence interval; other parameters vary.",
        "heat": "Heatmap: {metric} over {a} × {b}",
        "heat_cap": "Mean over replications and the other parameters, arm {arm}.",
        "sens": "Sensitivity indices", "sobol_cap": "Sobol indices of {metric} ({arm}): first order S1 (the "
        "parameter alone) and total ST (with its interactions), 95% bootstrap CI.",
        "morris_cap": "Morris elementary effects of {metric} ({arm}): μ* (overall influence) and σ "
        "(non-linearity and interactions), 95% bootstrap CI on μ*.",
        "sens_na": "No sensitivity indices for {metric} ({arm}): they need every design point, and some are "
        "missing or undefined.",
        "sens_const": "No sensitivity indices for {metric} ({arm}): it is the same at every design point.",
        "frontier": "Crossover frontier: where {b} beats {a} on {metric}",
        "frontier_cap": "Paired difference {b} − {a} of the focal brand's {metric} (mean over replications and "
        "the other parameters). The black line (marks, on an axis of labels) is where it crosses zero: {b} pays where the "
        "colour is blue.",
        "frontier_1d": "Paired difference {b} − {a} of {metric} with its 95% CI; it crosses zero where the "
        "frontier lies.",
        "wins": "{b} beats {a} (95% CI of the paired difference above zero) at {w} of {n} design points; "
        "{a} beats {b} at {l}.",
        "provenance": "Provenance", "diff": "difference", "parameter": "parameter", "value": "value",
        "files": "Data: points.csv, main_effects.csv, sensitivity.csv, frontier.csv beside this page; all runs: "
        "sim.load_sweep(folder).",
    },
    "zh": {
        "title": "参数扫描报告", "question": "问题", "design": "实验设计", "runs": "次运行",
        "done": "已完成", "failed": "失败", "missing": "尚未运行",
        "main": "主效应", "main_cap": "在参数的每个取值（连续区间按分位数分箱）上，所有运行中 {metric} 的均值及其95%置信区间；"
        "其他参数同时变化。",
        "heat": "热力图：{metric} 随 {a} × {b} 的变化",
        "heat_cap": "对重复次数和其他参数取平均，方案 {arm}。",
        "sens": "敏感性指数", "sobol_cap": "{metric}（{arm}）的 Sobol 指数：一阶指数 S1（参数单独的影响）与总效应指数 ST"
        "（含交互作用），95% 自助法置信区间。",
        "morris_cap": "{metric}（{arm}）的 Morris 基本效应：μ*（总体影响）与 σ（非线性与交互作用），μ* 的 95% 自助法置信区间。",
        "sens_na": "{metric}（{arm}）没有敏感性指数：需要全部设计点，而部分设计点缺失或无定义。",
        "sens_const": "{metric}（{arm}）没有敏感性指数：它在所有设计点上都相同。",
        "frontier": "交叉边界：{b} 在 {metric} 上胜过 {a} 的区域",
        "frontier_cap": "重点品牌 {metric} 的配对差 {b} − {a}（对重复次数和其他参数取平均）。黑线（或标记）为差值为零处：蓝色一侧 {b} 更划算。",
        "frontier_1d": "{metric} 的配对差 {b} − {a} 及其95%置信区间；与零相交处即为边界。",
        "wins": "在 {n} 个设计点中，{b} 胜过 {a}（配对差的95%置信区间高于零）的有 {w} 个；{a} 胜过 {b} 的有 {l} 个。",
        "provenance": "来源", "diff": "差值", "parameter": "参数", "value": "取值",
        "files": "数据：本页旁的 points.csv、main_effects.csv、sensitivity.csv、frontier.csv；全部运行：sim.load_sweep(文件夹)。",
    },
}


def tr_sweep(lang: str, key: str, **kw: object) -> str:
    """A sweep report string (English as fallback), formatted with ``kw``."""
    text = SWEEP_STRINGS.get(lang, SWEEP_STRINGS["en"]).get(key) or SWEEP_STRINGS["en"][key]
    return text.format(**kw) if kw else text


# ------------------------------------------------------------------ the explainer page (sim explain)

EXPLAIN_STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "cac": "Ad prices and the cost of a new customer",
        "cac_cap": "Every brand bids for the same consumers' attention, so more competitors bid the price of an "
                   "impression (CPM, grey) up, and the cost of winning a new customer through paid ads (CAC, red, "
                   "30-day trailing) rises with it, while the pool of consumers who are not yet customers shrinks.",
        "waste": "Ad fatigue: impressions nobody attends to",
        "waste_cap": "A consumer attends to ads from only so many brands a week (the tolerance cap). Beyond it, paid "
                     "impressions are wasted: the more brands advertise, the larger the wasted share (weekly).",
        "pools": "Private pools saturate",
        "pools_cap": "Messages read per pool member per day. A member's reading attention is shared by every pool "
                     "that messages them: when many brands run pools, each pool's messages are read less (weekly).",
        "profit": "Cumulative profit per brand, by strategy",
        "profit_cap": "Mean cumulative profit of a brand that buys public traffic only (red) and of one that runs a "
                      "private pool (blue). Which pays better depends on competition and on how crowded the pools "
                      "are.",
        "cpm": "CPM (RMB per 1,000 impressions)", "cac_l": "CAC, paid public (RMB)", "day": "day",
        "wasted": "wasted share of valid impressions", "reads": "messages read per member per day",
        "profit_l": "cumulative profit per brand (RMB)", "public": "public only", "private": "runs a pool",
        "how": "Move the slider under a chart to change {k1}{k2}; every chart follows.",
        "and": " and the menu above it to change {k2}", "about": "About these runs",
        "about_t": "{n} precomputed runs of {agents:,} simulated consumers (each standing for {scale:g} people) "
                   "over {days} days, seed {seed}. Made with traffic-sim {version}.",
    },
    "zh": {
        "cac": "广告价格与获客成本",
        "cac_cap": "所有品牌争夺同一批消费者的注意力：竞争者越多，每千次曝光价格（CPM，灰线）被抬得越高，"
                   "通过付费广告获得一个新客的成本（CAC，红线，30天滚动）随之上升，而尚未成为顾客的人群越来越少。",
        "waste": "广告疲劳：没有人看的曝光",
        "waste_cap": "一个消费者一周只会留意有限几个品牌的广告（容忍上限）。超出部分的付费曝光被浪费：投放的品牌越多，浪费占比越高（按周）。",
        "pools": "私域池饱和",
        "pools_cap": "每位私域成员每天阅读的消息数。成员的阅读注意力被所有给他发消息的私域池分享：做私域的品牌越多，每个池的消息被阅读得越少（按周）。",
        "profit": "各策略品牌的累计利润",
        "profit_cap": "只买公域流量的品牌（红）与经营私域池的品牌（蓝）的平均累计利润。哪种更划算，取决于竞争程度和私域池的拥挤程度。",
        "cpm": "CPM（元/千次曝光）", "cac_l": "公域获客成本 CAC（元）", "day": "天",
        "wasted": "有效曝光中被浪费的比例", "reads": "每位成员每天阅读的消息数",
        "profit_l": "每个品牌的累计利润（元）", "public": "纯公域", "private": "经营私域",
        "how": "拖动图表下方的滑块改变{k1}{k2}；所有图表同步变化。",
        "and": "，用图表上方的菜单改变{k2}", "about": "关于这些模拟",
        "about_t": "{n} 次预先计算的模拟，每次 {agents:,} 个模拟消费者（每个代表 {scale:g} 人），{days} 天，随机种子 {seed}。"
                   "由 traffic-sim {version} 生成。",
    },
}

KNOB_LABELS: dict[str, dict[str, str]] = {
    "en": {"n_brands": "number of competing brands", "private_share": "share of brands running private pools",
           "tolerance_cap": "ad tolerance (brands a consumer attends to)", "push_frequency": "pushes per member per day",
           "content_share": "content share of pushes", "alliance": "alliances on", "reserve_cpm": "platform reserve CPM",
           "invalid_traffic_share": "invalid traffic share", "focal_strategy": "focal brand's strategy",
           "n_consumers": "simulated consumers", "warmup_days": "warm-up days"},
    "zh": {"n_brands": "竞争品牌数", "private_share": "做私域的品牌比例", "tolerance_cap": "广告容忍度（可留意的品牌数）",
           "push_frequency": "每位成员每天推送数", "content_share": "推送中内容的比例", "alliance": "开启联盟",
           "reserve_cpm": "平台保留价 CPM", "invalid_traffic_share": "无效流量比例", "focal_strategy": "重点品牌策略",
           "n_consumers": "模拟消费者数", "warmup_days": "预热天数"},
}


# ------------------------------------------------------------------ the live app (sim viz)

VIZ_STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Public vs private traffic", "day": "day", "cost": "Ad prices: CPM and CAC (30-day)",
        "pools": "Pool members by tier (all brands)", "members": "members", "tier": "tier",
        "activity": "Group activity: messages read per member per day", "reads": "reads per member",
        "profit": "Cumulative profit per brand, by strategy", "waste": "Wasted share of valid impressions",
        "share": "share", "network": "A sample of consumers: their tier with the focal brand",
        "tier0": "not a member", "tier1": "tier 1", "tier2": "tier 2", "tier3": "tier 3 (loyal)",
    },
    "zh": {
        "title": "公域与私域流量", "day": "天", "cost": "广告价格：CPM 与获客成本 CAC（30天）",
        "pools": "各层级私域成员（所有品牌）", "members": "成员数", "tier": "层级",
        "activity": "社群活跃度：每位成员每天阅读的消息数", "reads": "人均阅读数",
        "profit": "各策略品牌的累计利润", "waste": "有效曝光中被浪费的比例",
        "share": "比例", "network": "消费者样本：与重点品牌的关系层级",
        "tier0": "非成员", "tier1": "第1层", "tier2": "第2层", "tier3": "第3层（忠诚）",
    },
}

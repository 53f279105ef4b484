"""Report strings in English and Simplified Chinese (terms: MODEL_BRIEF §8)."""

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

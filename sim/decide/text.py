"""Words of the calibration and optimisation reports, in English and Simplified Chinese (terms: docs/MODEL.md §2.10)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "cal_title": "Calibration report",
        "opt_title": "Optimisation report",
        "question": "Question",
        "brand": "Brand",
        "cal_summary": "The market was fitted to {n} figures of {brand} with ABC-SMC (pyabc): {g} generations of "
                       "{size} particles, {runs} simulation runs. The fitted markets reproduce the figures to within "
                       "ε = {eps} standard deviations (root mean square over the targets). Every replication of "
                       "calibrated.yaml runs on a draw from this posterior, so the verdicts made from it carry the "
                       "fit's uncertainty.",
        "warnings": "Warnings",
        "no_warnings": "No warning: every target is reached and each parameter is pinned down separately.",
        "unreached_fit": "The fitted market does not reach {target} = {obs} (it produces {lo} to {hi}): the other "
                         "targets pull the fit away from it. Check the figure, or whether a mechanism the model "
                         "leaves out drives it.",
        "unreached_prior": "{target} = {obs} cannot be reached inside the priors: no market in the prior ranges "
                           "produced a value within two sd of it (they gave {pmin} to {pmax}). Widen the priors of "
                           "the parameters that move it, or check the figure; the fit is not to be trusted for it.",
        "ridge": "{a} and {b} are not separately identified (posterior correlation {rho}): the targets fix a "
                 "combination of the two, not each. Add a target that moves one without the other, or fix one "
                 "under known.",
        "uninformed": "The targets say almost nothing about {a}: its posterior is as wide as its prior range.",
        "params": "Fitted parameters",
        "parameter": "parameter",
        "prior": "prior range",
        "median": "posterior median",
        "interval90": "90% interval",
        "fit": "Targets against the fitted market (re-simulated at posterior draws, fresh seeds)",
        "target": "figure",
        "observed": "the brand's figure (± sd)",
        "simulated": "fitted market: mean",
        "reached": "reached",
        "yes": "yes",
        "no": "no",
        "charts": "Charts",
        "marginals": "Posterior of each parameter (bars) inside its prior range",
        "marginals_cap": "Weighted histogram of the last generation's particles; the x-axis spans the prior range.",
        "pairs": "Pairs of parameters",
        "pairs_cap": "Each dot is a particle of the last generation, its size its weight; a narrow diagonal band "
                     "means the targets fix only a combination of the two.",
        "fitchart": "Targets: the brand's figure (± sd, grey) and the fitted market (mean, 90% interval)",
        "fitchart_cap": "Each figure divided by the brand's own, so that all targets share one axis (1 = the brand).",
        "epsilon": "ε by generation",
        "epsilon_cap": "Generation 0 is a sample of the prior (ε = ∞); ε is the median distance of the previous "
                       "generation.",
        "files": "Files: posterior.parquet (draws and weights), fit.csv, calibrated.yaml (sim run / sim sweep / sim "
                 "optimize accept it), calibration.json.",
        "provenance": "Provenance",
        "runs": "simulation runs",
        "seconds": "wall time (s)",
        "workers": "workers",
        "seeds": "seeds",
        "opt_summary": "Recommendation for {brand}: {best}. On {n} fresh seeds it changes {metric} by {gain} "
                       "[{lo}, {hi}] (95% CI, paired with what the brand does today).",
        "opt_flat": "No candidate beats what {brand} does today on fresh seeds: the best one changes {metric} by "
                    "{gain} [{lo}, {hi}] (95% CI), which includes zero. Keep the current strategy or widen the search.",
        "opt_method": "Search: Optuna TPE over {trials} candidates × {reps} replications, every candidate on the "
                      "same seeds (common random numbers); the best is chosen on those seeds and its gain measured "
                      "on fresh ones, so the figure is not inflated by the choice (winner's curse). {runs} runs in "
                      "all.",
        "current": "today",
        "best": "recommended",
        "decisions": "Decisions",
        "decision": "decision",
        "range": "range",
        "top": "The best candidates on fresh seeds (paired difference from today)",
        "candidate": "candidate",
        "search_value": "search value",
        "fresh_gain": "gain on fresh seeds",
        "response": "Response along each decision (mean and 95% CI of the candidates' objective, by bins)",
        "response_cap": "Each point is a candidate of the search; the line is the mean by bin of the decision with "
                        "its CI; the dashed line is today's value.",
        "history": "Search history: objective by trial and the best so far",
        "history_cap": "Dots: candidates (search seeds); line: the best so far.",
        "opt_files": "Files: trials.parquet, result.json, best.yaml (arms current and best, for sim run).",
        "objective": "objective",
        "risk": "the {q:g} quantile across replications",
        "mean_of": "the mean across replications",
    },
    "zh": {
        "cal_title": "校准报告",
        "opt_title": "优化报告",
        "question": "问题",
        "brand": "品牌",
        "cal_summary": "用ABC-SMC（pyabc）将市场拟合到{brand}的{n}个指标：{g}代、每代{size}个粒子，共{runs}次模拟。"
                       "拟合出的市场在ε = {eps}个标准差之内（各目标的均方根）重现这些指标。calibrated.yaml 的每次重复都"
                       "在该后验的一个抽样上运行，因此据此得出的结论包含拟合的不确定性。",
        "warnings": "警告",
        "no_warnings": "无警告：每个目标都已达到，每个参数都被分别确定。",
        "unreached_fit": "拟合后的市场达不到 {target} = {obs}（它给出 {lo} 至 {hi}）：其他目标把拟合拉离了它。请检查该"
                         "数字，或是否有模型未包含的机制在驱动它。",
        "unreached_prior": "在先验范围内无法达到 {target} = {obs}：先验范围内没有任何市场给出与其相差两个标准差以内的值"
                           "（它们给出 {pmin} 至 {pmax}）。请放宽影响它的参数的先验，或检查该数字；"
                           "对该指标的拟合不可信。",
        "ridge": "{a} 与 {b} 无法被分别识别（后验相关系数 {rho}）：目标只确定了两者的组合，而非各自的值。"
                 "请增加只影响其中一个的目标，或在 known 中固定其中一个。",
        "uninformed": "这些目标几乎不包含关于 {a} 的信息：其后验与先验范围一样宽。",
        "params": "拟合出的参数",
        "parameter": "参数",
        "prior": "先验范围",
        "median": "后验中位数",
        "interval90": "90%区间",
        "fit": "目标与拟合市场的对比（在后验抽样上、用新种子重新模拟）",
        "target": "指标",
        "observed": "品牌自身数字（± 标准差）",
        "simulated": "拟合市场：均值",
        "reached": "达到",
        "yes": "是",
        "no": "否",
        "charts": "图表",
        "marginals": "各参数的后验（柱）及其先验范围",
        "marginals_cap": "最后一代粒子的加权直方图；横轴覆盖先验范围。",
        "pairs": "参数两两关系",
        "pairs_cap": "每个点是最后一代的一个粒子，大小为其权重；窄的对角带表示目标只确定了两者的组合。",
        "fitchart": "目标：品牌自身数字（± 标准差，灰色）与拟合市场（均值、90%区间）",
        "fitchart_cap": "每个指标除以品牌自身的数字，使所有目标共用一个坐标轴（1 = 品牌）。",
        "epsilon": "各代的 ε",
        "epsilon_cap": "第0代是先验抽样（ε = ∞）；ε 为上一代距离的中位数。",
        "files": "文件：posterior.parquet（抽样与权重）、fit.csv、calibrated.yaml（sim run / sim sweep / sim optimize "
                 "均可读取）、calibration.json。",
        "provenance": "来源",
        "runs": "模拟次数",
        "seconds": "用时（秒）",
        "workers": "进程数",
        "seeds": "种子",
        "opt_summary": "对{brand}的建议：{best}。在{n}个新种子上，它使{metric}变化 {gain} [{lo}, {hi}]"
                       "（95%置信区间，与品牌当前做法配对比较）。",
        "opt_flat": "在新种子上没有候选方案优于{brand}的当前做法：最佳方案使{metric}变化 {gain} [{lo}, {hi}]"
                    "（95%置信区间），包含零。请保持当前策略或扩大搜索范围。",
        "opt_method": "搜索：Optuna TPE，{trials}个候选 × {reps}次重复，所有候选使用相同种子（共同随机数）；"
                      "在这些种子上选出最佳方案，再在新种子上测量其收益，因此该数字不会因挑选而被夸大（赢家诅咒）。共{runs}次模拟。",
        "current": "当前",
        "best": "建议",
        "decisions": "决策变量",
        "decision": "决策",
        "range": "范围",
        "top": "最佳候选在新种子上的表现（与当前做法的配对差）",
        "candidate": "候选",
        "search_value": "搜索值",
        "fresh_gain": "新种子上的收益",
        "response": "沿各决策变量的响应（候选目标值按区间的均值与95%置信区间）",
        "response_cap": "每个点是一个搜索候选；线为该决策变量各区间的均值及其置信区间；虚线为当前值。",
        "history": "搜索历史：各次试验的目标值与迄今最佳",
        "history_cap": "点：候选（搜索种子）；线：迄今最佳。",
        "opt_files": "文件：trials.parquet、result.json、best.yaml（包含 current 与 best 两个方案，"
                     "可用 sim run 运行）。",
        "objective": "目标",
        "risk": "各次重复的{q:g}分位数",
        "mean_of": "各次重复的均值",
    },
}


def tr(lang: str, key: str, **kw: object) -> str:
    text = STRINGS.get(lang, STRINGS["en"]).get(key) or STRINGS["en"][key]
    return text.format(**kw) if kw else text

"""Accuracy as UQABench's calc_metrics_acc.py defines it, restated minimally for a cross-check.

Sub-task: the first rule whose phrase occurs in the question text. Right: the prediction starts with
the gold answer (its first element when a list). Prints {key: round(100 * right / n, 6)} as JSON.
"""
import json
import sys

RULES = [
    ("df", "Sequence understanding", ("次浏览的商品的", "次（从1开始计数）浏览的")),
    ("mf", "Sequence understanding", ("长度是多少？", "的商品有多少个")),
    ("ip", "Action prediction", ("下一个可能点击的商品的标题是什么",)),
    ("ap", "Action prediction", ("用户下一个可能点击的商品的",)),
    ("li", "Interest perception", ("用户最感兴趣的3个",)),
    ("si", "Interest perception", ("用户近期最感兴趣的",)),
    ("it", "Interest perception", ("偏好的转移路径是什么",)),
]
KEYS = ["All tasks", "Sequence understanding", "Action prediction", "Interest perception",
        "df", "mf", "ip", "ap", "li", "si", "it"]


def sub_task(question):
    for code, group, phrases in RULES:
        if any(phrase in question for phrase in phrases):
            return code, group
    raise ValueError("no rule matches: " + question)


def main(path):
    tally = {key: [0, 0] for key in KEYS}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            answer = row["answer"]
            gold = answer[0] if isinstance(answer, list) else answer
            code, group = sub_task(row["question"])
            right = 1 if row["prediction"].startswith(gold) else 0
            for key in ("All tasks", group, code):
                tally[key][0] += right
                tally[key][1] += 1
    print(json.dumps({key: round(100 * right / n, 6) for key, (right, n) in tally.items()}))


if __name__ == "__main__":
    main(sys.argv[1])

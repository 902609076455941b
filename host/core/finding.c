/* SPDX-License-Identifier: Apache-2.0 */
/* finding.c: stable names of integrity finding kinds (zc/store.h). */
#include "zc/store.h"

#include "zc/i18n.h"

#define L(zh, en) (lang == ZC_LANG_EN ? (en) : (zh))

const char *zc_finding_name(int kind)
{
	switch (kind) {
	case ZC_FIND_MALFORMED: return "malformed";
	case ZC_FIND_WRONG_TERMINAL: return "wrong_terminal";
	case ZC_FIND_BAD_SIGNATURE: return "bad_signature";
	case ZC_FIND_BROKEN_LINK: return "broken_link";
	case ZC_FIND_GAP: return "gap";
	case ZC_FIND_FORK: return "fork";
	case ZC_FIND_CLOCK_ROLLBACK: return "clock_rollback";
	case ZC_FIND_JOURNAL_LOST: return "journal_lost";
	case ZC_FIND_TERMINAL_RESET: return "terminal_reset";
	default: return "unknown";
	}
}

const char *zc_finding_label(int kind, zc_lang lang)
{
	switch (kind) {
	case ZC_FIND_MALFORMED: return L("记录损坏", "malformed record");
	case ZC_FIND_WRONG_TERMINAL: return L("终端编号不符", "wrong terminal");
	case ZC_FIND_BAD_SIGNATURE: return L("终端签名无效", "bad terminal signature");
	case ZC_FIND_BROKEN_LINK: return L("哈希链断裂", "broken hash link");
	case ZC_FIND_GAP: return L("序号缺失", "sequence gap");
	case ZC_FIND_FORK: return L("记录分叉", "fork");
	case ZC_FIND_CLOCK_ROLLBACK: return L("时钟回拨", "clock rollback");
	case ZC_FIND_JOURNAL_LOST: return L("终端日志丢失", "journal lost");
	case ZC_FIND_TERMINAL_RESET: return L("终端序号倒退", "terminal reset");
	default: return L("未知问题", "unknown finding");
	}
}

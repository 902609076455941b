#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# import.sh: the registry commands of the real zhucun binary: import of
# every kind (all or nothing, idempotent), a GBK file, a bad row's
# FILE:LINE:COLUMN error (the column in Chinese in Chinese messages) and exit
# codes, leave, duty, correction and inspection add/list/remove with dates
# as clerks write them and cadres and villages by name, leave type and
# reason, duty place and purpose, a leave refused below the level of its
# block (or entered with --force) and the warnings, lists with headings in
# Chinese and English, the audit log, and the host's badge CA with its
# revocation lists (rollback refused).
source "$(dirname "$0")/lib.sh"
Z="$ZC_BIN/zhucun"
CA="$ZC_BIN/zhucun-ca"
export ZHUCUN_USER=clerk1
DB="$T/h.db"
z() { "$Z" --db "$DB" "$@"; }
z init >/dev/null

w() { printf '%s' "$2" > "$T/$1"; }

w districts.csv $'\xef\xbb\xbfid,name\nD1,城关区\n'
w townships.csv $'id,name,district\nT1,城关镇,D1\n'
w villages.csv $'编号,名称,所属乡镇,日补助标准/分\nV1,桃花村,T1,\nV2,"李家村, 东",T1,15000\nV3,三村,T1,\n'
w terminals.csv $'id,township\nK1,T1\n'
w cadres.csv $'id,name,role,party_since,work_since,unit\nC1,张三,第一书记,2010-07-01,2008-09-01,市财政局\nC2,李四,member,none,2015-03-01,市教育局\nC3,王五,member,,2016-03-01,市卫健委\n'
w assignments.csv $'cadre,village,start,end\nC1,V1,2024-01-01,2025-12-31\nC2,V1,2024-01-01,2025-12-31\nC3,V1,2024-01-01,2025-12-31\n'
w leave.csv $'cadre,start,end,level,ref\nC1,2024-05-06,2024-05-08,township,镇请〔2024〕3号\n'
w duty.csv $'cadre,start,end,kind,level\nC1,2024-04-01,2024-04-03,training,district\n'
w correction.csv $'cadre_id,date,level,reason,ref\nC2,2024/3/5,区,忘带工牌,区批〔2024〕7号\n'
w inspection.csv $'村编号,检查时间,干部编号,检查组,结果,备注\nV1,2024-03-05 10:00,C1,市委督查组,在岗,\nV1,2024-03-05 10:00,C3,市委督查组,缺岗,未请假\n'
w calendar.csv $'date,kind,note\r\n2024-10-01,holiday,国庆节\r\n2024-09-29,workday,\r\n'
w policy.csv $'name,value\ndaily_rate_fen,12000\n'

# a badge CA with one PIV badge, its certificate beside the CSV file
"$CA" init --dir "$T/ca" --name "测试区工牌 CA" --district 测试区 >/dev/null
"$CA" issue --dir "$T/ca" --badge B1 --cadre C1 --name 张三 --out "$T/ca/B1.card" --cert-out "$T/B1.der" >/dev/null
cp "$T/ca/revocations.zrl" "$T/list1.zrl"
w badges.csv $'badge,cadre,bound_from,bound_to,kind,uid,certificate\nB1,C1,2024-01-01,,piv,,B1.der\nU7,C2,2024-01-01,,uid,04A1B2C3D4E5F6,\n'

for k in districts townships villages terminals cadres assignments badges leave duty correction inspection calendar policy; do
  run z import "$k" "$T/$k.csv"
  expect_rc 0 "import $k"
done
contains "$out" "(policy, UTF-8): 1 inserted, 0 updated, 0 unchanged" "counts and encoding printed"
run z inspection list --json
contains "$out" '"time":"2024-03-05T10:00:00+08:00"' "inspection time local in Asia/Shanghai"
contains "$out" '"result":"absent","inspector":"市委督查组","note":"未请假"' "inspection result and note"

# a GBK file, as Excel on a Chinese Windows saves it
printf '编号,姓名,职务,入党日期,参加工作日期,派出单位\r\nC4,赵六,队员,无,2018年3月1日,市农业局\r\n' | iconv -f UTF-8 -t GBK >"$T/gbk.csv"
run z import cadres "$T/gbk.csv"
expect_rc 0 "import a GBK file"
contains "$out" "(cadres, GB18030): 1 inserted" "says it read GB18030"
run z audit --entity cadres --json
contains "$out" '"name":"赵六","role":"member","party_since":null,"work_since":"2018-03-01","unit":"市农业局"' "GBK text and the date stored as UTF-8 and YYYY-MM-DD"
printf 'id,name\nD9,\x80\xff\n' >"$T/binary.csv"
run z import districts "$T/binary.csv"
expect_rc 1 "a file neither UTF-8 nor GBK"
contains "$err" "$T/binary.csv:2: unknown text encoding" "one message at its line"
contains "$err" 'CSV UTF-8 (Comma delimited)' "says how to save it"

# again: nothing changes, no audit rows
audits=$(z audit --json | grep -c .)
run z import cadres "$T/cadres.csv" --json
expect_rc 0 "re-import"
contains "$out" '"inserted":0,"updated":0,"unchanged":3' "re-import changes nothing (json)"
check "no audit rows from a re-import" test "$(z audit --json | grep -c .)" -eq "$audits"

# an update is audited with before and after
w cadres2.csv $'id,name,role,party_since,work_since,unit\nC2,李四,member,none,2015-03-01,市发改委\n'
run z import cadres "$T/cadres2.csv"
expect_rc 0 "update"
contains "$out" "0 inserted, 1 updated" "one updated"
run z audit --entity cadres --json
contains "$out" '"action":"update"' "update audited"
contains "$out" '"actor":"clerk1"' "actor from ZHUCUN_USER"
contains "$out" '"unit":"市教育局"' "before"
contains "$out" '"unit":"市发改委"' "after"
contains "$out" "cadres2.csv:2" "source FILE:LINE"

# a bad row: its FILE:LINE:COLUMN, exit 1, nothing imported
w bad.csv $'id,name,role,party_since,work_since,unit\nC8,甲,member,,2019-01-01,市直\nC9,乙,member,,2019-02-30,市直\nC10,丙,秘书,,2019-01-01,市直\n'
run z import cadres "$T/bad.csv"
expect_rc 1 "bad rows"
contains "$err" "$T/bad.csv:3:work_since: '2019-02-30' is not a valid date" "line and column of the bad date"
contains "$err" "$T/bad.csv:4:role: invalid value '秘书'" "line and column of the bad role"
contains "$err" "nothing imported" "says nothing was imported"
run z --lang zh import cadres "$T/bad.csv"
contains "$err" "未导入任何内容" "Chinese message"
contains "$err" "$T/bad.csv:3:参加工作日期: '2019-02-30' 不是有效日期" "Chinese message names the column in Chinese"
check "C8 not imported" bash -c "! '$Z' --db '$DB' audit --json | grep -q '\"key\":\"C8\"'"
run z import cadres "$T/bad.csv" --json
expect_rc 1 "bad rows --json"
contains "$out" '"ok":false' "json says not ok"
run z import people "$T/bad.csv"
expect_rc 2 "unknown kind"
run z import cadres
expect_rc 2 "missing file argument"
run z import cadres "$T/missing.csv"
expect_rc 1 "missing file"
contains "$err" "$T/missing.csv" "names the missing file"

# leave and duty one at a time
run z leave add --cadre C3 --from 2024/11/4 --to 2024年11月5日 --level 乡镇 --ref R-1
expect_rc 0 "leave add"
contains "$out" "entered leave of 王五 (C3) 2024-11-04 to 2024-11-05, needs township approval, approved by township #" "dates as clerks write them; the cadre's name"
id=$(sed -n 's/.*#\([0-9]*\).*/\1/p' <<<"$out")
check "leave id printed" test -n "$id"
run z leave add --cadre C3 --from 2024-11-04 --to 2024-11-05 --level township
expect_rc 1 "the same leave twice"
contains "$err" "id $id" "names the stored one"
run z leave add --cadre C3 --from 2024-11-06 --to 2024-11-05 --level township
expect_rc 2 "end before start"
run z leave add --cadre C99 --from 2024-11-04 --to 2024-11-05 --level township
expect_rc 1 "unknown cadre"
run z leave add --cadre C3 --from 2024-11-04
expect_rc 2 "leave add without --to"
run z leave add --cadre C3 --from 2024-11-31 --to 2024-12-01 --level township
expect_rc 2 "leave add with a date that does not exist"
contains "$err" "2025/6/3" "lists the accepted date forms"
run z leave list --cadre C3 --json
contains "$out" '"ref":"R-1"' "leave list"
run z duty add --cadre C2 --from 2024-09-09 --to 2024-09-10 --kind 会议 --level none
expect_rc 0 "duty add"
run z duty list
contains "$out" "meeting" "duty list"
run z leave remove "$id"
expect_rc 0 "leave remove"
run z leave remove "$id"
expect_rc 1 "leave remove again"
run z leave remove abc
expect_rc 2 "leave remove with a bad id"
run z leave frob
expect_rc 2 "unknown leave command"
run z audit --entity leave
contains "$out" "delete" "removal audited"
contains "$out" "R-1" "with the row before"

# corrections and inspections one at a time
run z correction add --cadre C3 --date 2024.3.6 --level district --reason 读卡器故障 --ref 区批8号
expect_rc 0 "correction add"
cid=$(sed -n 's/.*#\([0-9]*\).*/\1/p' <<<"$out")
contains "$out" "added correction #$cid: C3 2024-03-06 (district)" "correction add says so"
run z correction add --cadre C3 --date 2024-03-06 --level city --reason 再次
expect_rc 1 "the same cadre and date twice"
run z correction add --cadre C3 --date 2024-03-07 --level district
expect_rc 2 "correction add without --reason"
run z correction add --cadre C3 --date 3/7/2024 --level district --reason x
expect_rc 2 "correction add with a bad date"
run z correction list --from 2024-03-06 --json
contains "$out" '"cadre":"C3","date":"2024-03-06","level":"district","reason":"读卡器故障","ref":"区批8号"' "correction list"
run z correction list --to 2024/3/5
contains "$out" "C2" "correction list --to"
check "correction list --to leaves out later dates" bash -c "! grep -q 读卡器 <<<'$out'"
run z inspection add --village V1 --time '2024/3/6 9:30' --inspector 区督查组 --cadre C1 --result 在岗 --cadre C2 --result absent --note 暗访
expect_rc 0 "inspection add with two cadres"
contains "$out" "C2 absent" "both added"
run z inspection add --village V1 --time '2024-03-06 9:30' --inspector 区督查组 --cadre C3 --result present --cadre C9 --result absent
expect_rc 1 "an unknown cadre: nothing added"
contains "$err" "C9" "names the unknown cadre"
run z inspection add --village V1 --time '2024-03-06 9:30' --inspector 区督查组 --cadre C3
expect_rc 2 "a cadre without a result"
run z inspection add --village V1 --time 2024-03-06 --inspector 区督查组 --cadre C3 --result present
expect_rc 2 "a time without hours"
run z inspection list --village V1 --from 2024-03-06 --to 2024-03-06
contains "$out" "C2 李四  V1 桃花村  2024-03-06T09:30:00+08:00  absent   区督查组   暗访" "inspection list"
check "inspection list --from leaves out earlier visits" bash -c "! grep -q 市委督查组 <<<'$out'"
iid=$(awk '/C2 李四/{print $1}' <<<"$out")
run z inspection remove "$iid"
expect_rc 0 "inspection remove"
run z correction remove "$cid"
expect_rc 0 "correction remove"
run z audit --entity inspection --json
contains "$out" '"action":"delete"' "inspection removal audited"
contains "$out" '"source":"cli"' "cli changes audited as cli"
run z audit --entity correction
contains "$out" "读卡器故障" "correction audited"
run z --lang zh correction add --cadre C3 --date 2024-02-30 --level 区 --reason x
contains "$err" "日期 '2024-02-30' 无效（可写作 2025-06-03、2025/6/3" "Chinese date message"

# the clerk's input: names for ids, leave type and reason, duty place and purpose
w cadres3.csv $'id,name,role,party_since,work_since,unit\nC5,李四,member,,2019-03-01,市水务局\n'
run z import cadres "$T/cadres3.csv"
expect_rc 0 "a second cadre named 李四"
run z leave add --cadre 李四 --from 2024-12-02 --to 2024-12-02 --level township
expect_rc 1 "an ambiguous name"
contains "$err" "2 cadres are named 李四" "says the name is shared"
contains "$err" "C5 李四 (市水务局" "lists the candidates"
run z leave add --cadre 张三 --from 2024-12-02 --to 2024-12-03 --level 乡镇 --type 病假 --reason 住院治疗
expect_rc 0 "leave add by name, with type and reason"
contains "$out" "entered leave of 张三 (C1) 2024-12-02 to 2024-12-03 (sick)" "names the cadre and the type"
run z --lang zh leave add --cadre 张三 --from 2024-12-16 --to 2024-12-16 --level 乡镇 --type 事假
contains "$out" "已登记 张三（C1）请假 2024-12-16 至 2024-12-16（事假），须乡镇审批，已由乡镇审批 #" "Chinese confirmation"
run z leave list --cadre 张三 --from 2024-12-01 --json
contains "$out" '"cadre":"C1","start":"2024-12-02","end":"2024-12-03","level":"township","type":"sick","reason":"住院治疗","ref":null' "JSON keeps the stored English values"
run z leave list --cadre 王二麻子
expect_rc 1 "list by an unknown name"
w leave2.csv $'干部编号,开始日期,结束日期,审批级别,请假类型,事由\nC2,2024-12-09,2024-12-10,乡镇,探亲假,回老家\n'
run z import leave "$T/leave2.csv"
expect_rc 0 "leave import with type and reason"
w duty2.csv $'cadre,start,end,kind,level,地点,事由\nC2,2024-12-11,2024-12-12,出差,区,北京,汇报工作\n'
run z import duty "$T/duty2.csv"
expect_rc 0 "duty import with place and purpose"
run z duty add --cadre 李四 --from 2024-12-13 --to 2024-12-13 --kind meeting --level none 2>/dev/null
expect_rc 1 "duty add by an ambiguous name"
run z duty add --cadre C2 --from 2024-12-13 --to 2024-12-13 --kind meeting --level none --place 区政府 --purpose 述职
expect_rc 0 "duty add with place and purpose"
run z audit --entity duty --json
contains "$out" '"place":"区政府","purpose":"述职"' "place and purpose audited"

# a leave that joins stored ones is approved at the level of the whole block
run z leave add --cadre C1 --from 2024-05-09 --to 2024-05-10 --level township
expect_rc 1 "a leave below the level of its block"
contains "$err" "the leave joins the leave 2024-05-06 to 2024-05-08 into one leave 2024-05-06 to 2024-05-10 of 5 days, which needs district approval; the level given is township" "names the block and the level"
contains "$err" "add --force" "says how to enter it anyway"
run z --lang zh leave add --cadre C1 --from 2024-05-09 --to 2024-05-10 --level 乡镇
contains "$err" "该请假与 2024-05-06 至 2024-05-08 的请假连成 2024-05-06 至 2024-05-10 共 5 天，须区级审批；所填审批级别为乡镇。确需按此登记请加 --force（将记为审批级别不足）" "the refusal in Chinese"
run z leave list --cadre C1 --from 2024-05-09 --to 2024-05-10
contains "$out" "no leave" "nothing stored"
run z leave add --cadre C1 --from 2024-05-09 --to 2024-05-10 --level township --force
expect_rc 0 "--force"
contains "$out" "needs district approval, approved by township only (entered with --force" "says it was forced"
contains "$err" "warning: stored leave #" "warns about the stored leave of the block"
run z audit --entity leave --json
contains "$out" '"source":"cli --force"' "the audit says it was forced"
run z leave add --cadre C1 --from 2024-05-13 --to 2024-05-13 --level district
expect_rc 1 "a Monday after the weekend joins the block too (8 days: city)"
contains "$err" "into one leave 2024-05-06 to 2024-05-13 of 8 days, which needs city approval" "the block over the weekend"
run z leave add --cadre C1 --from 2024-05-15 --to 2024-05-15 --level township
expect_rc 0 "a working day between: another block"
run z leave add --cadre C1 --from 2024-05-07 --to 2024-05-07 --level district
expect_rc 0 "overlapping: entered"
contains "$err" "warning: the leave overlaps stored leave #" "warns about the overlap"
run z leave add --cadre C1 --from 2026-02-02 --to 2026-02-03 --level township
expect_rc 0 "outside the assignments: entered"
contains "$err" "warning: the cadre has no assignment on 2 days of the leave" "warns about the assignments"
w leave3.csv $'cadre,start,end,level\nC3,2024-12-16,2024-12-18,township\nC3,2024-12-19,2024-12-20,township\n'
run z import leave "$T/leave3.csv"
expect_rc 0 "an import of a split leave"
contains "$err" "leave3.csv:3: warning: the leave joins the leave 2024-12-16 to 2024-12-18" "warns about each row"

# lists: a heading row, names beside ids, values in the reader's language
run z leave list --cadre C2 --from 2024-12-01
contains "$out" "id  cadre    start       end         level     type          reason  ref" "English heading"
contains "$out" "C2 李四  2024-12-09  2024-12-10  township  family_visit  回老家" "English values"
run z --lang zh leave list --cadre C2 --from 2024-12-01
contains "$out" "编号  干部     开始日期    结束日期    审批级别  类型    事由    批文号" "Chinese heading"
contains "$out" "C2 李四  2024-12-09  2024-12-10  乡镇      探亲假  回老家" "Chinese values"
run z --lang zh duty list --cadre C2 --from 2024-12-01
contains "$out" "C2 李四  2024-12-11  2024-12-12  出差  区        北京    汇报工作" "duty list in Chinese"
run z --lang zh inspection list --village 桃花村 --to 2024-03-05
contains "$out" "编号  干部     村         检查时间                   结果  检查人      备注" "inspection heading"
contains "$out" "C3 王五  V1 桃花村  2024-03-05T10:00:00+08:00  缺岗  市委督查组  未请假" "inspection list by village name, in Chinese"
run z --lang zh correction list --cadre 李四
expect_rc 1 "李四 is two cadres now"
run z --lang zh correction list --cadre C2
contains "$out" "C2 李四  2024-03-05  区        忘带工牌" "correction list in Chinese"

# the badge CA on the host
run z ca revocations "$T/list1.zrl"
expect_rc 1 "a list of an untrusted CA"
run z ca add "$T/B1.der"
expect_rc 1 "a badge certificate is no CA"
run z ca add "$T/ca/ca.pem"
expect_rc 0 "ca add"
contains "$out" "trusted badge CA" "ca add says so"
run z ca add "$T/ca/ca.pem"
expect_rc 0 "ca add again"
contains "$out" "already" "already trusted"
run z ca revocations "$T/list1.zrl"
expect_rc 0 "install list 1"
"$CA" revoke --dir "$T/ca" --badge B1 >/dev/null
run z ca revocations "$T/ca/revocations.zrl"
expect_rc 0 "install list 2"
contains "$out" "installed revocation list 2" "list 2"
run z ca revocations "$T/list1.zrl"
expect_rc 1 "rollback refused"
contains "$err" "rollback" "says rollback"
run z ca list
contains "$out" "revocation list 2, 1 badges revoked" "ca list"
run z ca list --json
contains "$out" '"revocation_list":2' "ca list --json"
run z ca frob x
expect_rc 2 "unknown ca command"
run z audit --entity revocations --json
contains "$out" '"number":2' "revocation install audited"
finish

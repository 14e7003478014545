"""The demo registry of `seed_demo`: a small city's association, invented names throughout."""

ASSOCIATION = {
    "name": "三郷市医師会",
    "chair_title": "会長",
    "chair_name": "青木成夫",
    "support_center_name": "三郷市在宅医療・介護連携サポートセンター",
    "council_name": "三郷市在宅医療・介護連携推進協議会",
    "postal_code": "341-0000",
    "address": "埼玉県三郷市（デモ）1-1-1",
    "phone": "048-000-0000",
    "email": "support@mcs-demo.example",
    "confirmation_interval_months": 12,  # the yearly confirmation, to show it (off by default)
}

# (name, kana, category, status, manager); the first two are facility A and facility B.
FACILITIES = [
    (
        "みさと中央クリニック",
        "ミサトチュウオウクリニック",
        "hospital_clinic",
        "active",
        "中央 一郎",
    ),
    (
        "みさと訪問看護ステーション",
        "ミサトホウモンカンゴステーション",
        "home_nursing",
        "active",
        "早稲田 花子",
    ),
    ("さくら歯科医院", "サクラシカイイン", "dental", "active", "桜井 健"),
    ("ひまわり薬局 三郷店", "ヒマワリヤッキョクミサトテン", "pharmacy", "active", "日向 学"),
    (
        "三郷市北部地域包括支援センター",
        "ミサトシホクブチイキホウカツシエンセンター",
        "community_support",
        "active",
        "北村 幸子",
    ),
    (
        "けやき居宅介護支援事業所",
        "ケヤキキョタクカイゴシエンジギョウショ",
        "care_planning",
        "active",
        "欅田 誠",
    ),
    (
        "あおば訪問介護ステーション",
        "アオバホウモンカイゴステーション",
        "home_help",
        "active",
        "青葉 真理",
    ),
    (
        "ゆうゆう訪問入浴サービス",
        "ユウユウホウモンニュウヨクサービス",
        "home_bathing",
        "active",
        "遊佐 豊",
    ),
    (
        "みさとリハビリ訪問センター",
        "ミサトリハビリホウモンセンター",
        "home_rehabilitation",
        "active",
        "理田 修",
    ),
    ("デイサービスこもれび", "デイサービスコモレビ", "day_care", "active", "木漏 陽子"),
    ("三郷リハビリデイケア", "ミサトリハビリデイケア", "day_rehabilitation", "active", "出井 恵"),
    ("ショートステイやすらぎ", "ショートステイヤスラギ", "short_stay_daily", "active", "安良 和夫"),
    (
        "三郷ケアセンター療養棟",
        "ミサトケアセンターリョウヨウトウ",
        "short_stay_medical",
        "suspended",
        "療 一",
    ),
    ("みどり福祉用具", "ミドリフクシヨウグ", "welfare_equipment", "active", "緑川 大地"),
    (
        "24時間みさと巡回ケア",
        "ニジュウヨジカンミサトジュンカイケア",
        "regular_visits",
        "active",
        "巡 さくら",
    ),
    ("認知症デイ ひだまり", "ニンチショウデイヒダマリ", "dementia_day_care", "active", "陽田 温子"),
    ("小規模多機能 えがお", "ショウキボタキノウエガオ", "small_multifunction", "active", "笑田 良"),
    (
        "看多機 みさとの家",
        "カンタキミサトノイエ",
        "nursing_small_multifunction",
        "active",
        "家守 優子",
    ),
    (
        "早稲田在宅クリニック",
        "ワセダザイタククリニック",
        "hospital_clinic",
        "applying",
        "早川 道夫",
    ),
    ("旧みさと薬局", "キュウミサトヤッキョク", "pharmacy", "withdrawn", "古田 明"),
]

FAMILY_NAMES = [
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("吉田", "ヨシダ"),
    ("山田", "ヤマダ"),
    ("佐々木", "ササキ"),
    ("山口", "ヤマグチ"),
    ("松本", "マツモト"),
    ("井上", "イノウエ"),
    ("木村", "キムラ"),
    ("林", "ハヤシ"),
    ("斎藤", "サイトウ"),
    ("清水", "シミズ"),
]
GIVEN_NAMES = [
    ("健太", "ケンタ", "male"),
    ("美咲", "ミサキ", "female"),
    ("翔", "ショウ", "male"),
    ("陽子", "ヨウコ", "female"),
    ("大輔", "ダイスケ", "male"),
    ("由美", "ユミ", "female"),
    ("拓也", "タクヤ", "male"),
    ("恵子", "ケイコ", "female"),
    ("誠", "マコト", "male"),
    ("智子", "トモコ", "female"),
    ("亮", "リョウ", "male"),
    ("直美", "ナオミ", "female"),
    ("浩二", "コウジ", "male"),
]

# The professions of each category's staff, the first one appointed MCS administrator.
PROFESSIONS = {
    "hospital_clinic": ["physician", "nurse", "clerk", "physician"],
    "dental": ["dentist", "dental_hygienist"],
    "pharmacy": ["pharmacist", "pharmacist", "clerk"],
    "community_support": ["public_health_nurse", "social_worker", "care_manager"],
    "care_planning": ["care_manager", "care_manager"],
    "home_help": ["care_worker", "home_helper", "home_helper"],
    "home_bathing": ["nurse", "care_worker"],
    "home_nursing": ["nurse", "nurse", "physical_therapist", "nurse"],
    "home_rehabilitation": ["physical_therapist", "occupational_therapist", "speech_therapist"],
    "day_care": ["life_counselor", "care_worker"],
    "day_rehabilitation": ["physical_therapist", "care_worker"],
    "short_stay_daily": ["life_counselor", "care_worker"],
    "short_stay_medical": ["nurse", "care_worker"],
    "welfare_equipment": ["welfare_equipment_adviser"],
    "regular_visits": ["nurse", "care_worker"],
    "dementia_day_care": ["care_worker", "life_counselor"],
    "small_multifunction": ["care_manager", "care_worker"],
    "nursing_small_multifunction": ["nurse", "care_manager"],
}

PATIENTS = [
    ("三郷", "太郎", "ミサト", "タロウ", "埼玉県三郷市（デモ）2-3-4"),
    ("早稲田", "キヨ", "ワセダ", "キヨ", "埼玉県三郷市（デモ）5-6-7"),
    ("彦成", "二郎", "ヒコナリ", "ジロウ", "埼玉県三郷市（デモ）8-9-10"),
    ("花和田", "ハナ", "ケワダ", "ハナ", "埼玉県三郷市（デモ）11-12"),
    ("戸ケ崎", "勇", "トガサキ", "イサム", "埼玉県三郷市（デモ）13-14"),
    ("高州", "澄子", "タカス", "スミコ", "埼玉県三郷市（デモ）15-16"),
    ("鷹野", "正", "タカノ", "タダシ", "埼玉県三郷市（デモ）17-18"),
]

# the center's notices: title, body, audience, categories, published how many days ago
NOTICES = [
    (
        "年末年始のサポートセンター休業とMCSの問い合わせ先について",
        "12月29日から1月3日まで、在宅医療・介護連携サポートセンターは休業します。\n"
        "休業中にID削除の依頼や端末の紛失があったときは、各事業所のMCS管理者が記録し、"
        "1月4日以降にサポートセンターへ連絡してください。\n"
        "端末の紛失・盗難は、これまでどおり直ちにMCS管理者へ報告してください（留意事項 (3)）。",
        "all",
        [],
        10,
    ),
    (
        "訪問看護事業所向け：MCS運用研修会のご案内",
        "訪問看護ステーションのMCS管理者と利用者を対象に、運用ポリシー第9条の研修会を開催します。"
        "出席者は各事業所の研修記録に登録してください。",
        "categories",
        ["home_nursing"],
        2,
    ),
]

package dev.uqabench.data.synthetic;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Parallel Chinese and English names for a Taobao-like catalog: category names, title
 * adjectives, and made-up brand, shop and seller names. Both sets always exist; the language of
 * a data set chooses which one its token ids encode.
 */
final class NameBank {

    /** {zh, en} pairs; Taobao category names are short nouns. */
    static final String[][] CATEGORIES = {
        {"连衣裙", "Dress"}, {"短袖", "Tee"}, {"衬衫", "Shirt"}, {"牛仔裤", "Jeans"}, {"外套", "Jacket"},
        {"卫衣", "Hoodie"}, {"毛衣", "Sweater"}, {"半身裙", "Skirt"}, {"运动鞋", "Sneakers"}, {"高跟鞋", "Heels"},
        {"凉鞋", "Sandals"}, {"靴子", "Boots"}, {"双肩包", "Backpack"}, {"手提包", "Handbag"}, {"钱包", "Wallet"},
        {"帽子", "Hat"}, {"围巾", "Scarf"}, {"手表", "Watch"}, {"项链", "Necklace"}, {"耳环", "Earrings"},
        {"口红", "Lipstick"}, {"面霜", "Face cream"}, {"洗发水", "Shampoo"}, {"香水", "Perfume"}, {"手机", "Phone"},
        {"耳机", "Headphones"}, {"充电器", "Charger"}, {"键盘", "Keyboard"}, {"鼠标", "Mouse"}, {"台灯", "Desk lamp"},
        {"枕头", "Pillow"}, {"床单", "Bed sheet"}, {"毛巾", "Towel"}, {"水杯", "Water bottle"}, {"炒锅", "Wok"},
        {"餐具", "Tableware"}, {"零食", "Snacks"}, {"茶叶", "Tea"}, {"咖啡", "Coffee"}, {"坚果", "Nuts"},
        {"玩具", "Toy"}, {"积木", "Blocks"}, {"绘本", "Picture book"}, {"文具", "Stationery"}, {"猫粮", "Cat food"},
        {"狗粮", "Dog food"}, {"瑜伽垫", "Yoga mat"}, {"跑步机", "Treadmill"}, {"帐篷", "Tent"}, {"鱼竿", "Fishing rod"},
    };

    /** Audience prefixes that multiply the category list when more categories are asked for. */
    static final String[][] AUDIENCES = {{"", ""}, {"男", "Men"}, {"女", "Women"}, {"童", "Kids"}, {"老人", "Senior"}};

    static final String[][] ADJECTIVES = {
        {"红色", "Red"}, {"黑色", "Black"}, {"白色", "White"}, {"蓝色", "Blue"}, {"新款", "New"},
        {"经典", "Classic"}, {"轻便", "Light"}, {"加厚", "Thick"}, {"复古", "Retro"}, {"简约", "Simple"},
        {"大码", "Large"}, {"迷你", "Mini"}, {"纯棉", "Cotton"}, {"真皮", "Leather"}, {"防水", "Waterproof"},
        {"韩版", "Korean"}, {"宽松", "Loose"}, {"修身", "Slim"}, {"便携", "Portable"}, {"高端", "Premium"},
    };

    private static final String ZH_CHARACTERS = "美佳华优安乐好雅诺森源星月云天恒泰锦悦尚品禾木青蓝金银鹿象熊猫鸟风光田山川海石竹";
    private static final String[] EN_SYLLABLES = {
        "ka", "lo", "mi", "ra", "ve", "no", "si", "ta", "ru", "zen", "bo", "li", "ma", "xo", "fi",
        "da", "pe", "lu", "sa", "vo", "ni", "ko", "re", "ga", "tu", "ba", "mo", "el", "an", "or",
    };
    static final String[][] SHOP_SUFFIXES = {{"旗舰店", "Store"}, {"专卖店", "Shop"}, {"小店", "Outlet"}};

    /** Most categories this bank can name. */
    static int maxCategories() {
        return CATEGORIES.length * AUDIENCES.length;
    }

    /** {zh, en} name of category {@code index} (0-based). */
    static String[] category(int index) {
        String[] base = CATEGORIES[index % CATEGORIES.length];
        String[] audience = AUDIENCES[index / CATEGORIES.length];
        if (audience[0].isEmpty()) {
            return base;
        }
        return new String[] {audience[0] + base[0], audience[1] + " " + base[1].toLowerCase(java.util.Locale.ROOT)};
    }

    /**
     * {@code count} distinct made-up {zh, en} names, as short as the count allows: Chinese ones of
     * two or more characters, English ones of two or more syllables.
     */
    static List<String[]> madeUpNames(int count, Random random) {
        int zhLength = lengthFor(count, ZH_CHARACTERS.length());
        int enLength = lengthFor(count, EN_SYLLABLES.length);
        Set<String> zhSeen = new HashSet<>();
        Set<String> enSeen = new HashSet<>();
        List<String[]> names = new ArrayList<>(count);
        while (names.size() < count) {
            String zh = zhName(zhLength, random);
            String en = enName(enLength, random);
            if (!zhSeen.contains(zh) && !enSeen.contains(en)) {
                zhSeen.add(zh);
                enSeen.add(en);
                names.add(new String[] {zh, en});
            }
        }
        return names;
    }

    /** Shortest length (>= 2) whose name space is at least four times {@code count}, so rejection sampling ends fast. */
    private static int lengthFor(int count, int alphabet) {
        int length = 2;
        double space = Math.pow(alphabet, length);
        while (space < 4.0 * count) {
            length++;
            space *= alphabet;
        }
        return length;
    }

    private static String zhName(int length, Random random) {
        StringBuilder name = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            name.append(ZH_CHARACTERS.charAt(random.nextInt(ZH_CHARACTERS.length())));
        }
        return name.toString();
    }

    private static String enName(int length, Random random) {
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < length; i++) {
            name.append(EN_SYLLABLES[random.nextInt(EN_SYLLABLES.length)]);
        }
        name.setCharAt(0, Character.toUpperCase(name.charAt(0)));
        return name.toString();
    }

    private NameBank() {
    }
}

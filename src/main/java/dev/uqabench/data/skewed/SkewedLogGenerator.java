package dev.uqabench.data.skewed;

import dev.uqabench.base.AtomicFiles;
import dev.uqabench.base.UqaException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A skewed, real-like ratings log to test the pipeline against what public logs look like
 * (MovieLens-100K as imported from RecBole), without shipping one:
 * <ul>
 *   <li>item popularity is Zipf ({@code rank^-s}, s = 1), and each user rates a film at most once;</li>
 *   <li>films have 1 to 3 of 18 genres, the first one drawn so that three genres hold about
 *       two thirds of the films (and of the events);</li>
 *   <li>ratings are entered in sessions, most of them in the same second as the previous one, so
 *       most events tie with another event of the same user (76 % in MovieLens-100K);</li>
 *   <li>ratings 1 to 5 (user bias + film quality), English titles and genre names.</li>
 * </ul>
 * Everything is drawn from one {@link Random} seeded by the config: same seed, same files.
 */
public final class SkewedLogGenerator {

    /** MovieLens' 18 genres, most frequent first. */
    public static final List<String> GENRES = List.of("Drama", "Comedy", "Action", "Thriller", "Romance", "Adventure",
            "Crime", "Sci-Fi", "Horror", "Children's", "War", "Animation", "Musical", "Mystery", "Fantasy",
            "Documentary", "Western", "Film-Noir");
    /** Weight of each genre as a film's first genre: Drama, Comedy and Action hold 70 %. */
    private static final double[] GENRE_WEIGHTS = genreWeights();
    private static final long EPOCH = 874_724_710L; // 1997-09-20, MovieLens-100K's first rating
    private static final int MAX_EVENTS = 600;

    private static final String[] ADJECTIVES = {"Silent", "Last", "Broken", "Golden", "Dark", "Lost", "Wild", "Secret",
        "Crimson", "Endless", "Hidden", "Frozen", "Burning", "Little", "Final", "Distant", "Quiet", "Savage", "Lonely",
        "Electric", "Midnight", "Forgotten", "Bright", "Restless", "Iron", "Painted", "Hollow", "Crooked", "Sweet", "Long"};
    private static final String[] NOUNS = {"River", "Summer", "Road", "Kingdom", "Heart", "City", "Storm", "Garden",
        "Promise", "Horizon", "Shadow", "Harbor", "Letter", "Island", "Frontier", "Machine", "Dream", "Winter", "Station",
        "Mountain", "Hotel", "Journey", "Empire", "Season", "Circus", "Mirror", "Planet", "Witness", "Orchard", "Bridge"};

    /** A film: ids from 1. */
    public record Film(int id, String title, int year, List<String> genres) {
    }

    /** One rating; {@code time} in Unix seconds. */
    public record Rating(int user, int item, int rating, long time) {
    }

    /** The whole log, ratings in file order (shuffled, as in MovieLens' u.data). */
    public record Log(List<Film> films, List<Rating> ratings) {
    }

    private final SkewedLogConfig config;

    public SkewedLogGenerator(SkewedLogConfig config) {
        this.config = config;
    }

    public Log generate() {
        Random random = new Random(config.seed());
        int n = config.items();
        // popularity rank r (0 = most popular) -> film id, so that ids say nothing about popularity
        int[] filmAtRank = permutation(n, random);
        List<Film> films = films(n, random);
        double[] globalCumulative = zipfCumulative(n);
        // per genre: the ranks of its films, most popular first, with their Zipf cumulative weights
        List<List<Integer>> ranksByGenre = new ArrayList<>();
        for (int g = 0; g < GENRES.size(); g++) {
            ranksByGenre.add(new ArrayList<>());
        }
        for (int rank = 0; rank < n; rank++) {
            for (String genre : films.get(filmAtRank[rank] - 1).genres()) {
                ranksByGenre.get(GENRES.indexOf(genre)).add(rank);
            }
        }
        double[][] genreCumulative = new double[GENRES.size()][];
        for (int g = 0; g < GENRES.size(); g++) {
            genreCumulative[g] = zipfCumulative(ranksByGenre.get(g).size());
        }
        double[] quality = new double[n + 1];
        for (int id = 1; id <= n; id++) {
            quality[id] = 0.5 * random.nextGaussian();
        }

        List<Rating> ratings = new ArrayList<>();
        int maxEvents = Math.min(MAX_EVENTS, n / 2);
        for (int user = 1; user <= config.users(); user++) {
            // Pareto tail of activity (alpha 1.2) above the minimum: mean about 100 ratings, like MovieLens-100K
            double pareto = Math.pow(1 - random.nextDouble(), -1 / 1.2) - 1;
            int length = (int) Math.min(maxEvents, SkewedLogConfig.MIN_EVENTS + 20 * pareto);
            int[] favourites = {sample(GENRE_WEIGHTS, random), sample(GENRE_WEIGHTS, random)};
            double bias = 0.5 * random.nextGaussian();
            BitSet rated = new BitSet(n);
            long time = EPOCH + (long) (random.nextDouble() * 200 * 86_400);
            for (int k = 0; k < length; k++) {
                int rank = pickUnrated(random, rated, globalCumulative, favourites, ranksByGenre, genreCumulative);
                rated.set(rank);
                int film = filmAtRank[rank];
                if (k > 0) {
                    time += nextGap(random);
                }
                double mean = 3.55 + bias + quality[film] + 0.3 * (rank < n / 20 ? 1 : 0);
                int stars = (int) Math.max(1, Math.min(5, Math.round(mean + 0.9 * random.nextGaussian())));
                ratings.add(new Rating(user, film, stars, time));
            }
        }
        Collections.shuffle(ratings, random);
        return new Log(films, List.copyOf(ratings));
    }

    /** Writes the files into {@code directory} (created if needed); RecBole files are named after the folder. */
    public Log write(Path directory) {
        return write(directory, directory.toAbsolutePath().normalize().getFileName().toString());
    }

    /** The same, RecBole files named {@code name.inter} and {@code name.item}. */
    public Log write(Path directory, String name) {
        Log log = generate();
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UqaException("cannot create " + directory + ": " + e.getMessage(), e);
        }
        if (config.format() == SkewedLogConfig.Format.RECBOLE) {
            StringBuilder inter = new StringBuilder("user_id:token\titem_id:token\trating:float\ttimestamp:float\n");
            log.ratings().forEach(r -> inter.append(r.user()).append('\t').append(r.item()).append('\t').append(r.rating())
                    .append('\t').append(r.time()).append('\n'));
            StringBuilder item = new StringBuilder("item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq\n");
            log.films().forEach(f -> item.append(f.id()).append('\t').append(f.title()).append('\t').append(f.year())
                    .append('\t').append(String.join(" ", f.genres())).append('\n'));
            AtomicFiles.writeString(directory.resolve(name + ".inter"), inter.toString());
            AtomicFiles.writeString(directory.resolve(name + ".item"), item.toString());
        } else {
            StringBuilder inter = new StringBuilder("user,item,rating,timestamp\n");
            log.ratings().forEach(r -> inter.append(r.user()).append(',').append(r.item()).append(',').append(r.rating())
                    .append(',').append(r.time()).append('\n'));
            // the CSV importer reads a category column whole: the first genre there, all of them in genres
            StringBuilder item = new StringBuilder("item,title,year,category,genres\n");
            log.films().forEach(f -> item.append(f.id()).append(',').append(f.title()).append(',').append(f.year())
                    .append(',').append(f.genres().get(0)).append(',').append(String.join("|", f.genres())).append('\n'));
            AtomicFiles.writeString(directory.resolve("interactions.csv"), inter.toString());
            AtomicFiles.writeString(directory.resolve("items.csv"), item.toString());
        }
        return log;
    }

    /** Half of a user's picks come from a favourite genre, the rest from all films; a film is rated once. */
    private static int pickUnrated(Random random, BitSet rated, double[] globalCumulative, int[] favourites,
                                   List<List<Integer>> ranksByGenre, double[][] genreCumulative) {
        for (int attempt = 0; attempt < 64; attempt++) {
            int rank;
            int genre = favourites[random.nextInt(favourites.length)];
            if (random.nextBoolean() && !ranksByGenre.get(genre).isEmpty()) {
                rank = ranksByGenre.get(genre).get(sample(genreCumulative[genre], random.nextDouble()));
            } else {
                rank = sample(globalCumulative, random.nextDouble());
            }
            if (!rated.get(rank)) {
                return rank;
            }
        }
        return rated.nextClearBit(0); // the head is taken: the most popular film not yet rated
    }

    /**
     * Seconds to the next rating: within a session mostly 0 (entered in the same second, a tie),
     * else a few seconds; a new session (15 %) starts hours to weeks later.
     */
    private long nextGap(Random random) {
        if (random.nextDouble() < 0.15) {
            return 3_600 + (long) (-Math.log(1 - random.nextDouble()) * 3 * 86_400);
        }
        return random.nextDouble() < config.tieChance() ? 0 : 1 + random.nextInt(90);
    }

    private static List<Film> films(int n, Random random) {
        List<Film> films = new ArrayList<>(n);
        for (int id = 1; id <= n; id++) {
            List<String> genres = new ArrayList<>();
            genres.add(GENRES.get(sample(GENRE_WEIGHTS, random)));
            int extra = random.nextInt(3); // 1 to 3 genres
            for (int tries = 0; genres.size() < 1 + extra && tries < 20; tries++) {
                String genre = GENRES.get(random.nextInt(GENRES.size()));
                if (!genres.contains(genre)) {
                    genres.add(genre);
                }
            }
            String title = "The " + ADJECTIVES[random.nextInt(ADJECTIVES.length)] + " " + NOUNS[random.nextInt(NOUNS.length)];
            if (random.nextDouble() < 0.3) {
                title += " " + (2 + random.nextInt(3)); // sequels
            }
            int year = 1998 - (int) Math.min(68, -Math.log(1 - random.nextDouble()) * 12);
            films.add(new Film(id, title, year, List.copyOf(genres)));
        }
        return films;
    }

    private static double[] genreWeights() {
        double[] weights = new double[GENRES.size()];
        weights[0] = 0.31;
        weights[1] = 0.24;
        weights[2] = 0.15;
        double rest = 0;
        for (int g = 3; g < weights.length; g++) {
            weights[g] = Math.pow(0.8, g - 3);
            rest += weights[g];
        }
        for (int g = 3; g < weights.length; g++) {
            weights[g] *= 0.30 / rest;
        }
        return weights;
    }

    private double[] zipfCumulative(int n) {
        double[] cumulative = new double[n];
        double sum = 0;
        for (int rank = 0; rank < n; rank++) {
            sum += Math.pow(rank + 1, -config.zipfExponent());
            cumulative[rank] = sum;
        }
        for (int rank = 0; rank < n; rank++) {
            cumulative[rank] /= sum;
        }
        return cumulative;
    }

    private static int sample(double[] weights, Random random) {
        double u = random.nextDouble();
        for (int i = 0; i < weights.length; i++) {
            u -= weights[i];
            if (u < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    /** The first index whose cumulative weight exceeds {@code u}. */
    private static int sample(double[] cumulative, double u) {
        int i = Arrays.binarySearch(cumulative, u);
        return Math.min(cumulative.length - 1, i >= 0 ? i + 1 : -i - 1);
    }

    private static int[] permutation(int n, Random random) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i + 1;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = ids[i];
            ids[i] = ids[j];
            ids[j] = swap;
        }
        return ids;
    }

    /** Share of events whose film's first genre is one of the three most frequent first genres. */
    public static double topGenreShare(Log log, int top) {
        long[] counts = new long[GENRES.size()];
        for (Rating r : log.ratings()) {
            counts[GENRES.indexOf(log.films().get(r.item() - 1).genres().get(0))]++;
        }
        long[] sorted = counts.clone();
        Arrays.sort(sorted);
        long head = 0;
        for (int i = 0; i < top; i++) {
            head += sorted[sorted.length - 1 - i];
        }
        return (double) head / log.ratings().size();
    }

    /** Share of events on the most rated {@code share} of films (e.g. 0.1: the top 10 %). */
    public static double headShare(Log log, double share) {
        long[] counts = new long[log.films().size() + 1];
        log.ratings().forEach(r -> counts[r.item()]++);
        long[] sorted = Arrays.copyOfRange(counts, 1, counts.length);
        Arrays.sort(sorted);
        int head = Math.max(1, (int) Math.round(share * sorted.length));
        long sum = 0;
        for (int i = 0; i < head; i++) {
            sum += sorted[sorted.length - 1 - i];
        }
        return (double) sum / log.ratings().size();
    }

    /** Share of events whose time equals that of another event of the same user. */
    public static double tiedShare(Log log) {
        List<Rating> sorted = new ArrayList<>(log.ratings());
        sorted.sort((a, b) -> a.user() != b.user() ? Integer.compare(a.user(), b.user()) : Long.compare(a.time(), b.time()));
        long tied = 0;
        for (int i = 0; i < sorted.size(); i++) {
            Rating r = sorted.get(i);
            boolean previous = i > 0 && sorted.get(i - 1).user() == r.user() && sorted.get(i - 1).time() == r.time();
            boolean next = i + 1 < sorted.size() && sorted.get(i + 1).user() == r.user() && sorted.get(i + 1).time() == r.time();
            if (previous || next) {
                tied++;
            }
        }
        return (double) tied / sorted.size();
    }

    /** One line for the command: sizes and the skew. */
    public static String summary(Log log) {
        return String.format(Locale.ROOT, "%d users, %d films, %d ratings; top-3 genres hold %.0f %% of events, the top 10 %%"
                        + " of films %.0f %%; %.0f %% of events tie with another event of the same user",
                log.ratings().stream().mapToInt(Rating::user).distinct().count(), log.films().size(), log.ratings().size(),
                100 * topGenreShare(log, 3), 100 * headShare(log, 0.1), 100 * tiedShare(log));
    }
}

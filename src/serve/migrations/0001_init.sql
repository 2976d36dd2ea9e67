-- exam-planner serve: the first schema. Migrations run in order at start-up, each in one
-- transaction; PRAGMA user_version records how many have run.

CREATE TABLE users (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL UNIQUE,
    role     TEXT NOT NULL CHECK (role IN ('province', 'prefecture', 'institution')),
    -- a division code (prefecture) or an institution id (institution); NULL for the province
    scope    TEXT,
    -- Argon2id, PHC string format
    hash     TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created  TEXT NOT NULL
);

CREATE TABLE sessions (
    token   TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    csrf    TEXT NOT NULL,
    expires INTEGER NOT NULL
);

-- failed logins per user name, for the 5-in-15-minutes throttle
CREATE TABLE login_failures (
    name TEXT NOT NULL,
    time INTEGER NOT NULL
);
CREATE INDEX login_failures_name ON login_failures (name, time);

CREATE TABLE quarters (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL,
    quarter TEXT NOT NULL,
    created TEXT NOT NULL
);

-- an uploaded case folder (the first upload, and each replan's changed case); its files are
-- rows of `files` with owner 'case'. `places` is JSON: prefecture codes → names and
-- institution ids → their prefecture's code, for scope decisions without reading the case.
CREATE TABLE cases (
    id      INTEGER PRIMARY KEY,
    quarter INTEGER NOT NULL REFERENCES quarters (id),
    places  TEXT NOT NULL,
    created TEXT NOT NULL
);

CREATE TABLE jobs (
    id       INTEGER PRIMARY KEY,
    quarter  INTEGER NOT NULL REFERENCES quarters (id),
    kind     TEXT NOT NULL CHECK (kind IN ('plan', 'replan', 'whatif', 'exam_day')),
    state    TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    progress REAL NOT NULL DEFAULT 0,
    stage    TEXT NOT NULL DEFAULT '',
    error    TEXT,
    user_id  INTEGER NOT NULL REFERENCES users (id),
    -- the case the job reads
    case_id  INTEGER NOT NULL REFERENCES cases (id),
    -- the version a replan or an exam day starts from
    base     INTEGER REFERENCES versions (id),
    -- the prefecture a what-if was asked by (its outputs are that prefecture's), else NULL
    scope    TEXT,
    -- the job's request: scenarios TOML, an exam day's seed
    params   TEXT NOT NULL DEFAULT '',
    created  TEXT NOT NULL,
    finished TEXT
);

-- a plan of a quarter: stored only when complete, in one transaction with its files
CREATE TABLE versions (
    id        INTEGER PRIMARY KEY,
    quarter   INTEGER NOT NULL REFERENCES quarters (id),
    number    INTEGER NOT NULL,
    job       INTEGER NOT NULL REFERENCES jobs (id),
    case_id   INTEGER NOT NULL REFERENCES cases (id),
    published TEXT,
    created   TEXT NOT NULL,
    UNIQUE (quarter, number)
);

-- every stored file: a path inside its owner (a case, a version or a job's outputs) and the
-- SHA-256 of its bytes, which name the immutable blob beside the database
CREATE TABLE files (
    owner_kind TEXT NOT NULL CHECK (owner_kind IN ('case', 'version', 'job')),
    owner_id   INTEGER NOT NULL,
    path       TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    size       INTEGER NOT NULL,
    PRIMARY KEY (owner_kind, owner_id, path)
);

CREATE TABLE audit (
    id     INTEGER PRIMARY KEY,
    time   TEXT NOT NULL,
    user   TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    sha256 TEXT
);

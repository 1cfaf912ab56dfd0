using EdgeMlops.Sqlite;

namespace EdgeMlops.CloudHub.Storage;

/// <summary>
/// The hub database's tables, as the ordered steps that build them (see <see cref="Migrations"/>). Times are Unix milliseconds. Records are keyed by (device_id, epoch, seq): a seq is
/// unique within a device's outbox incarnation across kinds, which is what makes redelivery idempotent.
/// </summary>
/// <remarks>
/// Composite primary keys are beyond sqlite-net's attribute mapping, so the schema is plain DDL; sqlite-net maps rows
/// for the simple queries. Record tables keep their rowid: rows (payloads of several hundred bytes) are appended at
/// the end of the table b-tree in full pages, while the key lives in a narrow index; measured faster than WITHOUT
/// ROWID, whose wide key pages split half-full at every device's insertion point. Events, by far the most numerous,
/// have no camera index: every index costs each insert, and a camera filter walks the time index instead, reading
/// about (cameras on the device) rows per row returned.
/// </remarks>
internal static class HubSchema
{
    /// <summary>Every step of the schema, oldest first; a new table is a new step at the end.</summary>
    public static SchemaMigrations Migrations { get; } = new("hub database",
        SchemaMigration.Sql(1, "devices, events, stats and samples", Version1),
        SchemaMigration.Sql(2, "operators and the audit log", Version2),
        SchemaMigration.Sql(3, "desired state per device", Version3),
        SchemaMigration.Sql(4, "model registry: versions, files, aliases and their moves", Version4),
        SchemaMigration.Sql(5, "rollouts and device tags", Version5),
        SchemaMigration.Sql(6, "evidence of cloned devices", Version6),
        SchemaMigration.Sql(7, "precision reports", Version7),
        SchemaMigration.Sql(8, "reviews of samples", Version8),
        SchemaMigration.Sql(9, "alerts", Version9))
    {
        // "EMHB": marks the file as a hub database, so --db pointed at another file is refused untouched.
        ApplicationId = 0x454D4842,
    };

    /// <summary>The schema as the first release shipped it (which already wrote <c>user_version</c> 1).</summary>
    private const string Version1 = """
        CREATE TABLE IF NOT EXISTS devices (
            id                 TEXT PRIMARY KEY NOT NULL,
            enrolled_at        INTEGER NOT NULL,
            password_hash      TEXT,             -- NULL once revoked: the device and its data stay, its credential goes
            online             INTEGER NOT NULL DEFAULT 0,
            last_seen          INTEGER,
            last_status_at     INTEGER,
            agent_version      TEXT,
            reported_json      TEXT,
            reported_at        INTEGER,
            outbox_epoch       INTEGER,
            last_issued_seq    INTEGER,
            pending            INTEGER,
            oldest_pending_seq INTEGER,
            evicted            INTEGER,
            model_name         TEXT,
            model_version      TEXT,
            data_epoch         INTEGER,          -- the epoch of the records stored last
            highest_seq        INTEGER           -- the highest seq stored for data_epoch
        );

        CREATE TABLE IF NOT EXISTS events (
            device_id   TEXT NOT NULL,
            epoch       INTEGER NOT NULL,
            seq         INTEGER NOT NULL,
            camera_id   TEXT NOT NULL,
            time        INTEGER NOT NULL,        -- the event's lastSeen
            label       TEXT NOT NULL,
            confidence  REAL NOT NULL,
            created_at  INTEGER NOT NULL,
            received_at INTEGER NOT NULL,
            payload     TEXT NOT NULL,
            PRIMARY KEY (device_id, epoch, seq)
        );
        CREATE INDEX IF NOT EXISTS events_by_time ON events (device_id, time, epoch, seq);

        CREATE TABLE IF NOT EXISTS stats (
            device_id   TEXT NOT NULL,
            epoch       INTEGER NOT NULL,
            seq         INTEGER NOT NULL,
            camera_id   TEXT NOT NULL,
            time        INTEGER NOT NULL,        -- the interval's end
            estimated_precision REAL,
            created_at  INTEGER NOT NULL,
            received_at INTEGER NOT NULL,
            payload     TEXT NOT NULL,
            PRIMARY KEY (device_id, epoch, seq)
        );
        CREATE INDEX IF NOT EXISTS stats_by_time ON stats (device_id, time, epoch, seq);
        CREATE INDEX IF NOT EXISTS stats_by_camera ON stats (device_id, camera_id, time, epoch, seq);

        CREATE TABLE IF NOT EXISTS samples (
            device_id   TEXT NOT NULL,
            epoch       INTEGER NOT NULL,
            seq         INTEGER NOT NULL,
            camera_id   TEXT NOT NULL,
            time        INTEGER NOT NULL,        -- capturedAt
            label       TEXT NOT NULL,           -- the predicted label
            confidence  REAL NOT NULL,
            sample_id   TEXT NOT NULL,
            reason      TEXT NOT NULL,
            created_at  INTEGER NOT NULL,
            received_at INTEGER NOT NULL,
            image_path  TEXT NOT NULL,           -- relative to the samples directory
            image_bytes INTEGER NOT NULL,
            payload     TEXT NOT NULL,           -- the ReviewSampleInfo JSON
            PRIMARY KEY (device_id, epoch, seq)
        );
        CREATE INDEX IF NOT EXISTS samples_by_time ON samples (device_id, time, epoch, seq);
        CREATE INDEX IF NOT EXISTS samples_by_camera ON samples (device_id, camera_id, time, epoch, seq);
        """;

    /// <summary>The API's operators (a token's SHA-256, never the token) and the audit log of every change.</summary>
    private const string Version2 = """
        CREATE TABLE operators (
            name       TEXT PRIMARY KEY NOT NULL,
            role       TEXT NOT NULL,            -- viewer, operator or admin
            token_hash TEXT NOT NULL UNIQUE,     -- SHA-256 hex of the token
            created_at INTEGER NOT NULL,
            revoked_at INTEGER                   -- set once revoked: the row stays so audit entries keep their name
        );

        CREATE TABLE audit (
            id      INTEGER PRIMARY KEY AUTOINCREMENT,
            time    INTEGER NOT NULL,
            actor   TEXT NOT NULL,               -- the operator's name, or cli:<os user>
            action  TEXT NOT NULL,               -- e.g. device.enroll
            target  TEXT NOT NULL,               -- the device id or operator name
            outcome TEXT NOT NULL                -- ok, or why it was refused
        );
        """;

    /// <summary>Each device's desired state as last set (the truth the broker's retained copy is published from).</summary>
    private const string Version3 = """
        CREATE TABLE desired_states (
            device_id          TEXT PRIMARY KEY NOT NULL,
            revision           INTEGER NOT NULL,
            json               TEXT NOT NULL,       -- the DesiredState message
            updated_at         INTEGER NOT NULL,
            published_revision INTEGER NOT NULL     -- the newest revision the broker accepted
        );
        """;

    /// <summary>
    /// The model registry: each registered (name, version), immutable once written; the files of each version, stored
    /// content-addressed by SHA-256 in the registry directory; aliases per name and every alias move ever made.
    /// </summary>
    private const string Version4 = """
        CREATE TABLE model_versions (
            name                      TEXT NOT NULL,
            version                   TEXT NOT NULL,
            manifest_sha256           TEXT NOT NULL,    -- of the fleet-signed manifest the hub serves
            content_sha256            TEXT NOT NULL,    -- of the manifest's signed content: same content again is a no-op
            publisher_manifest_sha256 TEXT NOT NULL,    -- of the manifest as the publisher signed it
            publisher_key_id          TEXT NOT NULL,
            registered_at             INTEGER NOT NULL,
            registered_by             TEXT NOT NULL,
            notes                     TEXT,
            parent_version            TEXT,
            training_data_hash        TEXT,
            metrics_json              TEXT NOT NULL,    -- the manifest's evaluations
            canary_metrics_json       TEXT NOT NULL,    -- the canary set as the hub scored it at registration
            size                      INTEGER NOT NULL, -- bytes of all files
            PRIMARY KEY (name, version)
        );

        CREATE TABLE model_files (
            name    TEXT NOT NULL,
            version TEXT NOT NULL,
            path    TEXT NOT NULL,                      -- package-relative, e.g. model.onnx
            sha256  TEXT NOT NULL,                      -- the blob's file name
            size    INTEGER NOT NULL,
            PRIMARY KEY (name, version, path)
        );
        CREATE INDEX model_files_by_sha ON model_files (name, version, sha256);

        CREATE TABLE aliases (
            name    TEXT NOT NULL,
            alias   TEXT NOT NULL,
            version TEXT NOT NULL,
            PRIMARY KEY (name, alias)
        );

        CREATE TABLE alias_moves (
            id           INTEGER PRIMARY KEY AUTOINCREMENT,
            time         INTEGER NOT NULL,
            operator     TEXT NOT NULL,
            name         TEXT NOT NULL,
            alias        TEXT NOT NULL,
            from_version TEXT,                          -- NULL: the alias was new
            to_version   TEXT,                          -- NULL: the alias was removed
            reason       TEXT NOT NULL
        );
        CREATE INDEX alias_moves_by_name ON alias_moves (name, id);
        """;

    /// <summary>
    /// Device tags (what rollout selectors match) and rollouts: each rollout as the operator asked for it plus where it
    /// stands, and one row per targeted device, so a hub restarted mid-rollout carries on where it was.
    /// </summary>
    private const string Version5 = """
        CREATE TABLE device_tags (
            device_id TEXT NOT NULL,
            key       TEXT NOT NULL,
            value     TEXT NOT NULL,
            PRIMARY KEY (device_id, key)
        ) WITHOUT ROWID;

        CREATE TABLE rollouts (
            id                INTEGER PRIMARY KEY AUTOINCREMENT,
            created_at        INTEGER NOT NULL,
            created_by        TEXT NOT NULL,
            model             TEXT NOT NULL,
            requested         TEXT NOT NULL,        -- the version or alias asked for
            version           TEXT,                 -- resolved when the rollout starts
            manifest_sha256   TEXT,
            source            TEXT,
            device_ids        TEXT NOT NULL,        -- comma-separated, may be empty
            selector          TEXT,
            percent           REAL,
            canary            INTEGER NOT NULL,
            wave_base         INTEGER NOT NULL,
            wave_factor       REAL NOT NULL,
            window_ms         INTEGER NOT NULL,
            abort_threshold   REAL NOT NULL,
            abort_min         INTEGER NOT NULL,
            device_timeout_ms INTEGER NOT NULL,
            probation_seconds INTEGER,
            state             TEXT NOT NULL,        -- pending, running, paused, completed, aborted, rolled-back
            reason            TEXT,
            state_at          INTEGER NOT NULL,
            promote           INTEGER NOT NULL DEFAULT 0  -- an operator asked to release the next wave now
        );

        CREATE TABLE rollout_devices (
            rollout_id       INTEGER NOT NULL,
            device_id        TEXT NOT NULL,
            wave             INTEGER NOT NULL,      -- 0 is the canary wave when there is one
            state            TEXT NOT NULL,         -- queued, pending, ..., active, failed, rolled-back, timed-out, reverted
            reason           TEXT,
            state_at         INTEGER NOT NULL,
            moved_at         INTEGER,               -- when the rollout wrote the device's desired model
            active_since     INTEGER,               -- when the hub first saw it active
            succeeded        INTEGER NOT NULL DEFAULT 0,  -- active through the observation window
            previous_version TEXT,                  -- what it reported serving when moved
            previous_desired TEXT,                  -- its desired "model" property before (JSON), what a revert writes back
            revert_pending   INTEGER NOT NULL DEFAULT 0,
            bytes_done       INTEGER,
            bytes_total      INTEGER,
            PRIMARY KEY (rollout_id, device_id)
        ) WITHOUT ROWID;
        CREATE INDEX rollout_devices_by_device ON rollout_devices (device_id, rollout_id);
        """;

    /// <summary>
    /// Evidence that two boxes share one identity: records whose (device, epoch, seq) was already stored with other
    /// content, and the <c>cloned-device</c> condition raised on the device until an operator clears it.
    /// </summary>
    private const string Version6 = """
        CREATE TABLE clone_conflicts (
            device_id       TEXT NOT NULL,
            epoch           INTEGER NOT NULL,
            seq             INTEGER NOT NULL,
            kind            TEXT NOT NULL,       -- event, stats or sample
            stored_sha256   TEXT NOT NULL,       -- of the payload kept (the first one stored; never overwritten)
            incoming_sha256 TEXT NOT NULL,       -- of the other payload, refused
            first_seen      INTEGER NOT NULL,
            last_seen       INTEGER NOT NULL,
            count           INTEGER NOT NULL,    -- times the other payload arrived
            PRIMARY KEY (device_id, epoch, seq, incoming_sha256)
        );

        CREATE TABLE clone_conditions (
            device_id        TEXT PRIMARY KEY NOT NULL,
            raised_at        INTEGER NOT NULL,
            cause            TEXT NOT NULL,      -- record-conflict or session-fight: what raised it last
            last_evidence_at INTEGER NOT NULL,
            conflicts        INTEGER NOT NULL,   -- conflicting records since raised
            session_fights   INTEGER NOT NULL,   -- session takeovers counted as a fight since raised
            cleared_at       INTEGER,            -- set by the operator who cleared it; NULL while raised
            cleared_by       TEXT,
            left_epoch       INTEGER             -- the epoch the device was told to leave when cleared
        );
        """;

    /// <summary>
    /// Precision reports from the boxes (outbox kind <c>precision</c>): the record as received, with its drift signals in
    /// columns, and one row per report and predicted class, which is what aggregation reads.
    /// </summary>
    /// <remarks>
    /// Both tables are clustered by (device, camera, window start): a camera's week by hour, or its week of drift, is one
    /// range read without a second lookup, and ingest appends at each camera's end. A report's (device, epoch, seq) is
    /// unique (what makes redelivery a no-op and a clone's report a conflict); its class rows need no key of their own
    /// for that: they are written only when the report's row was new. Rows of a few hundred bytes suit WITHOUT ROWID
    /// with the hub's 16 KB pages.
    /// </remarks>
    private const string Version7 = """
        CREATE TABLE precision_reports (
            device_id       TEXT NOT NULL,
            epoch           INTEGER NOT NULL,
            seq             INTEGER NOT NULL,
            camera_id       TEXT NOT NULL,         -- '' for the canary set
            model_name      TEXT NOT NULL,
            model_version   TEXT NOT NULL,
            source          TEXT NOT NULL,         -- canary, estimated, truth or feed
            window_start    INTEGER NOT NULL,
            window_end      INTEGER NOT NULL,
            drift_events    INTEGER,               -- the drift signals, NULL when the report has none
            class_mix_psi   REAL,
            class_mix_js    REAL,
            confidence_psi  REAL,
            confidence_js   REAL,
            mean_brightness REAL,
            mean_contrast   REAL,
            mean_box_area   REAL,
            created_at      INTEGER NOT NULL,
            received_at     INTEGER NOT NULL,
            payload         TEXT NOT NULL,         -- the PrecisionReport JSON
            PRIMARY KEY (device_id, camera_id, window_start, epoch, seq)
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX precision_reports_by_seq ON precision_reports (device_id, epoch, seq);

        CREATE TABLE precision_counts (
            device_id     TEXT NOT NULL,
            camera_id     TEXT NOT NULL,           -- '' for the canary set
            window_start  INTEGER NOT NULL,        -- the report's window start: a report counts where its window starts
            epoch         INTEGER NOT NULL,
            seq           INTEGER NOT NULL,
            label         TEXT NOT NULL,           -- the predicted class
            model_name    TEXT NOT NULL,
            model_version TEXT NOT NULL,
            source        TEXT NOT NULL,
            predicted     REAL NOT NULL,
            correct       REAL NOT NULL,
            PRIMARY KEY (device_id, camera_id, window_start, epoch, seq, label)
        ) WITHOUT ROWID;
        """;

    /// <summary>
    /// Reviews of samples: every label a reviewer gave (kept, never overwritten), per sample the outcome precision
    /// reads (the agreed label, or a conflict when reviewers disagree), and the review queue's orders over the samples.
    /// </summary>
    private const string Version8 = """
        CREATE TABLE review_labels (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            device_id     TEXT NOT NULL,           -- the sample record's key
            epoch         INTEGER NOT NULL,
            seq           INTEGER NOT NULL,
            reviewer      TEXT NOT NULL,           -- the operator's name, or simulated-reviewer
            simulated     INTEGER NOT NULL DEFAULT 0,  -- 1: the simulated reviewer gave it from synthetic truth, not a person
            label         TEXT NOT NULL,           -- a class of the model's label set, not-a-vehicle or unsure
            labelled_at   INTEGER NOT NULL,
            withdrawn_at  INTEGER                  -- set when the reviewer undid it (or replaced it); the row stays
        );
        CREATE INDEX review_labels_by_sample ON review_labels (device_id, epoch, seq, reviewer);
        -- What changed since a time: the reviewed-precision publisher's watermark (labels given, labels withdrawn).
        CREATE INDEX review_labels_by_labelled_at ON review_labels (labelled_at);
        CREATE INDEX review_labels_by_withdrawn_at ON review_labels (withdrawn_at) WHERE withdrawn_at IS NOT NULL;

        CREATE TABLE review_outcomes (
            device_id     TEXT NOT NULL,
            epoch         INTEGER NOT NULL,
            seq           INTEGER NOT NULL,
            camera_id     TEXT NOT NULL,
            model_name    TEXT NOT NULL,
            model_version TEXT NOT NULL,
            predicted     TEXT NOT NULL,           -- the model's label for the sample
            label         TEXT,                    -- the agreed label (a class or not-a-vehicle); NULL for unsure or conflict
            state         TEXT NOT NULL,           -- labelled, unsure or conflict
            time          INTEGER NOT NULL,        -- the sample's capturedAt
            decided_at    INTEGER NOT NULL,
            PRIMARY KEY (device_id, epoch, seq)
        ) WITHOUT ROWID;
        CREATE INDEX review_outcomes_by_camera ON review_outcomes (device_id, camera_id, model_name, time);

        -- The review queue across devices, oldest or hardest (lowest confidence) first: without them every page sorts
        -- all samples (measured at 200,000 samples: 280 ms and 1 s a page; with them under 1 ms). Samples are few
        -- beside events (bounded per camera and hour), so the two inserts more per sample cost ingest little.
        CREATE INDEX samples_by_queue_time ON samples (time, device_id, epoch, seq);
        CREATE INDEX samples_by_queue_confidence ON samples (confidence, time, device_id, epoch, seq);
        """;

    /// <summary>
    /// Alerts (at most one not resolved per rule, device, camera and model: the partial unique index), every transition
    /// of each with who made it, and the webhook's notifications (the durable queue) with every delivery attempt.
    /// </summary>
    private const string Version9 = """
        CREATE TABLE alerts (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            rule            TEXT NOT NULL,           -- measured-precision, estimated-precision or drift
            severity        TEXT NOT NULL,           -- critical or warning
            device_id       TEXT NOT NULL,
            camera_id       TEXT NOT NULL,
            model_name      TEXT NOT NULL,
            model_version   TEXT NOT NULL,           -- the version of the figure last evaluated
            metric          TEXT NOT NULL,           -- macro, class:<label>, or the drift signal
            figure          REAL NOT NULL,
            bound           REAL NOT NULL,           -- what the rule compared: the Wilson upper bound when it opened
            threshold       REAL NOT NULL,
            samples         INTEGER NOT NULL,
            window_start    INTEGER NOT NULL,
            window_end      INTEGER NOT NULL,
            opened_at       INTEGER NOT NULL,
            state           TEXT NOT NULL,           -- open, acknowledged or resolved
            state_at        INTEGER NOT NULL,
            state_by        TEXT NOT NULL,           -- who made the last transition: an operator, cli:<user> or rule
            note            TEXT,                    -- the operator's note of the last transition
            published_state TEXT                     -- what the broker holds: open, acknowledged, cleared; NULL: nothing yet
        );
        CREATE UNIQUE INDEX alerts_one_per_key ON alerts (rule, device_id, camera_id, model_name) WHERE state <> 'resolved';
        CREATE INDEX alerts_by_state ON alerts (state, id);

        CREATE TABLE alert_events (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            alert_id      INTEGER NOT NULL,
            time          INTEGER NOT NULL,
            transition    TEXT NOT NULL,             -- opened, acknowledged, resolved
            actor         TEXT NOT NULL,             -- the operator's name, cli:<user>, or rule (the hub's evaluation)
            note          TEXT,
            model_version TEXT NOT NULL,
            figure        REAL NOT NULL,
            bound         REAL NOT NULL,
            samples       INTEGER NOT NULL,
            notified      INTEGER NOT NULL DEFAULT 0 -- handed to the webhook queue (a CLI change is, by the running hub)
        );
        CREATE INDEX alert_events_by_alert ON alert_events (alert_id, id);
        CREATE INDEX alert_events_unnotified ON alert_events (notified) WHERE notified = 0;

        CREATE TABLE webhook_notifications (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            kind        TEXT NOT NULL,               -- e.g. alert.opened, alias.moved
            subject     TEXT NOT NULL,
            created_at  INTEGER NOT NULL,
            body        TEXT NOT NULL,               -- the JSON POSTed
            state       TEXT NOT NULL,               -- pending, delivered, given-up or dropped (queue full)
            attempts    INTEGER NOT NULL DEFAULT 0,
            finished_at INTEGER
        );
        CREATE INDEX webhook_notifications_pending ON webhook_notifications (state, id);

        CREATE TABLE webhook_deliveries (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            notification_id INTEGER NOT NULL,
            attempt         INTEGER NOT NULL,        -- 1 for the first POST
            time            INTEGER NOT NULL,
            outcome         TEXT NOT NULL,           -- delivered or failed
            status          INTEGER,                 -- the HTTP status; NULL when there was no answer
            problem         TEXT,                    -- why it failed
            duration_ms     INTEGER NOT NULL
        );
        CREATE INDEX webhook_deliveries_by_notification ON webhook_deliveries (notification_id, attempt);
        """;
}

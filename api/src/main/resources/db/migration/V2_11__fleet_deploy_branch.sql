-- The branch whose pushes build a release of the fleet; other branches and tags are only stored.
-- A git branch name without the refs/heads/ prefix.
ALTER TABLE fleet ADD COLUMN deploy_branch VARCHAR(255) DEFAULT 'main' NOT NULL;

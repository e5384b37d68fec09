chmod 777 /var/www
